//! The local Citus cluster of `scripts/citus.sh` (a coordinator and two workers), for the tests
//! that `make test-citus` runs: [`Cluster::database`] gives a test a database of its own on
//! every node, with Citus and pgvector created in it and the workers added to its coordinator
//! (Citus keeps its metadata per database); dropping the [`ClusterDb`] drops it on every node.
//!
//! The cluster is found through the script (`scripts/citus.sh url …`, which reads `CITUS_DIR`
//! and `CITUS_PORT` from the environment like `make citus-up` does).
//!
//! DDL in two databases of the cluster at once can fail with "tuple concurrently updated":
//! Citus re-creates the roles an object depends on (`neonhub_app` of a grant, a policy) on the
//! workers with every propagated object, and node additions copy every role, so concurrent
//! statements update the same role rows. [`Cluster::database`] and [`ClusterDb::ddl_lock`]
//! take turns through an advisory lock on the coordinator.

use crate::local_server::script;
use neonhub_db::{AdvisoryLock, DatabaseUrl};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(30);
const PREFIX: &str = "neonhub_citus_";
const DDL_LOCK: &str = "neonhub:citus-test-ddl";
/// The nodes of the cluster, as `scripts/citus.sh` names them.
pub const NODES: [&str; 3] = ["coordinator", "worker1", "worker2"];

fn not_running(why: &str) -> ! {
    panic!(
        "the Citus cluster is not reachable ({why}): `make test-citus` starts it, runs these \
         tests and stops it again; `make citus-up` starts it for good"
    )
}

fn url_of(which: &str, node: &str) -> DatabaseUrl {
    let out = script("citus.sh", &[], &[which, node]);
    if !out.status.success() {
        not_running(String::from_utf8_lossy(&out.stderr).trim());
    }
    DatabaseUrl::parse(String::from_utf8_lossy(&out.stdout).trim())
        .unwrap_or_else(|e| panic!("scripts/citus.sh {which} {node}: {e}"))
}

async fn connect(url: &DatabaseUrl, max: u32) -> DatabaseConnection {
    neonhub_db::connect(url, TIMEOUT, max)
        .await
        .unwrap_or_else(|e| not_running(&e.to_string()))
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {}", neonhub_db::describe(&e)));
}

/// The running cluster: the owner's (`postgres`) URL of each node and the application login's
/// (`neonhub_api`) URL of the coordinator, all on the database `neonhub`.
pub struct Cluster {
    /// The owner on each node, in the order of [`NODES`].
    pub nodes: Vec<DatabaseUrl>,
    /// The application login on the coordinator.
    pub app: DatabaseUrl,
}

impl Cluster {
    /// The cluster that `scripts/citus.sh` runs; panics saying how to start it when it has
    /// none.
    pub fn running() -> Self {
        Self {
            nodes: NODES.iter().map(|node| url_of("url", node)).collect(),
            app: url_of("app-url", "coordinator"),
        }
    }

    /// A pool of one connection of the owner on `node` (an index into [`NODES`]), database
    /// `neonhub`.
    pub async fn node(&self, node: usize) -> DatabaseConnection {
        connect(&self.nodes[node], 1).await
    }

    async fn ddl_lock(&self) -> AdvisoryLock {
        AdvisoryLock::acquire(&self.nodes[0], DDL_LOCK, TIMEOUT, Duration::from_secs(600))
            .await
            .unwrap_or_else(|e| panic!("the cluster's DDL lock: {e}"))
    }

    /// A new database of this test's own on every node, the workers added to its coordinator.
    pub async fn database(&self) -> ClusterDb {
        let lock = self.ddl_lock().await;
        let name = format!("{PREFIX}{}", uuid::Uuid::now_v7().simple());
        // Workers first: the coordinator's objects reach them when they are added.
        for url in self.nodes.iter().skip(1).chain(self.nodes.first()) {
            let admin = connect(url, 1).await;
            exec(&admin, &format!("CREATE DATABASE \"{name}\"")).await;
            admin.close().await.ok();
            let db = connect(&url.with_database(&name), 1).await;
            exec(
                &db,
                "SET client_min_messages = warning; CREATE EXTENSION citus; \
                 CREATE EXTENSION vector",
            )
            .await;
            db.close().await.ok();
        }
        let coordinator = self.nodes[0].with_database(&name);
        let owner = connect(&coordinator, 5).await;
        let port = |url: &DatabaseUrl| {
            url.target()
                .rsplit(':')
                .next()
                .unwrap_or_default()
                .to_owned()
        };
        let mut sql = format!(
            "SELECT citus_set_coordinator_host('{}', {});",
            coordinator.host(),
            port(&coordinator)
        );
        for worker in &self.nodes[1..] {
            sql.push_str(&format!(
                "SELECT citus_add_node('{}', {});",
                worker.host(),
                port(worker)
            ));
        }
        exec(&owner, &sql).await;
        lock.release().await.ok();
        ClusterDb {
            owner: Some(owner),
            nodes: self.nodes.iter().map(|u| u.with_database(&name)).collect(),
            app: self.app.with_database(&name),
            admin: self.nodes.clone(),
            name,
        }
    }
}

/// A database on every node of the cluster, dropped (on every node) when this is dropped.
pub struct ClusterDb {
    owner: Option<DatabaseConnection>,
    nodes: Vec<DatabaseUrl>,
    app: DatabaseUrl,
    admin: Vec<DatabaseUrl>,
    name: String,
}

impl ClusterDb {
    /// A pool of the owner (`postgres`) on the coordinator.
    pub fn conn(&self) -> &DatabaseConnection {
        self.owner.as_ref().expect("open until drop")
    }

    /// The owner's URL of this database on the coordinator.
    pub fn url(&self) -> &DatabaseUrl {
        &self.nodes[0]
    }

    /// The owner's URL of this database on `node` (an index into [`NODES`]).
    pub fn node_url(&self, node: usize) -> &DatabaseUrl {
        &self.nodes[node]
    }

    /// The application login's (`neonhub_api`) URL of this database on the coordinator.
    pub fn app_url(&self) -> &DatabaseUrl {
        &self.app
    }

    /// A new pool (of `max` connections) of the owner on `node` (an index into [`NODES`]).
    pub async fn node(&self, node: usize, max: u32) -> DatabaseConnection {
        connect(&self.nodes[node], max).await
    }

    /// A new pool (of `max` connections) of the application login on the coordinator.
    pub async fn app(&self, max: u32) -> DatabaseConnection {
        connect(&self.app, max).await
    }

    /// Wait for the other tests' DDL on the cluster and keep them waiting until the lock is
    /// released: hold it while creating or changing objects that Citus propagates.
    pub async fn ddl_lock(&self) -> AdvisoryLock {
        AdvisoryLock::acquire(&self.admin[0], DDL_LOCK, TIMEOUT, Duration::from_secs(600))
            .await
            .unwrap_or_else(|e| panic!("the cluster's DDL lock: {e}"))
    }

    /// The database's name (the same on every node).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ClusterDb {
    fn drop(&mut self) {
        let owner = self.owner.take();
        let admin = self.admin.clone();
        let name = self.name.clone();
        // As in `TestDb`'s drop: a runtime of its own, on a thread of its own.
        let dropper = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                drop(owner);
                // The coordinator first: its sessions hold connections to the workers.
                for url in &admin {
                    if let Ok(db) = neonhub_db::connect(url, TIMEOUT, 1).await {
                        db.execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await
                        .ok();
                        db.close().await.ok();
                    }
                }
            });
        });
        dropper.join().ok();
    }
}
