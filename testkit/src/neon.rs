//! Neon as a team deploying there meets it, emulated on a server of the test's own: a
//! non-superuser owner, TLS, and PgBouncer in transaction mode in front.
//!
//! - A PostgreSQL 16 + pgvector cluster of its own (`scripts/local-pg.sh` in a temporary
//!   folder, [`LocalServer`]), so that, as in a new Neon project, the roles the migrations
//!   create (`neonhub_app`) are created by the owner. The roles the script makes for the local
//!   default (`neonhub_api`, `neonhub_app`) are dropped first.
//! - The owner ([`OWNER`]) is a LOGIN role with CREATEROLE and CREATEDB, not a superuser, and
//!   owns the database ([`DATABASE`]), as Neon's `neondb_owner` owns `neondb`. The `vector`
//!   extension is created beforehand by the superuser, as managed services pre-create it.
//! - The application login ([`APP_LOGIN`]) is created by the owner, after the migrations made
//!   `neonhub_app` ([`NeonProject::create_app_login`]), with the timeouts the README gives.
//! - A real PgBouncer ([`crate::pgbouncer`]) lets in the owner and the application login, with
//!   TLS; [`NeonProject::pooled`] gives a URL through it.

use crate::local_server::LocalServer;
use crate::pgbouncer::{PgBouncer, Settings};
use neonhub_db::DatabaseUrl;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::sync::Mutex;
use std::time::Duration;

/// The owner role, as Neon names it.
pub const OWNER: &str = "neondb_owner";
/// The database the owner owns, as Neon names it.
pub const DATABASE: &str = "neondb";
/// The application login the owner creates.
pub const APP_LOGIN: &str = "neonhub_api";

const TIMEOUT: Duration = Duration::from_secs(30);

/// A random password (32 hex digits).
fn password() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The emulated project: a cluster, its owner and database, a PgBouncer in front.
pub struct NeonProject {
    // Dropped in this order: the pooler first, then the server.
    pooler: PgBouncer,
    server: LocalServer,
    superuser: DatabaseUrl,
    owner: DatabaseUrl,
    app: DatabaseUrl,
}

/// Clusters are started one at a time per process: the free port one finds must still be free
/// when its server binds it.
static STARTING: Mutex<()> = Mutex::new(());

impl NeonProject {
    /// Start the cluster, set up the owner, its database and the extension, and a PgBouncer with
    /// `settings` in front.
    pub async fn start(settings: Settings) -> Self {
        let server = {
            let _one_at_a_time = STARTING.lock().unwrap_or_else(|e| e.into_inner());
            let mut attempts = 0;
            loop {
                static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
                let name = format!(
                    "neon{}",
                    COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                );
                let server = LocalServer::prepare(&name, 56400..=56599);
                let out = server.run(&["up"]);
                if out.status.success() {
                    break server;
                }
                attempts += 1;
                assert!(
                    attempts < 3,
                    "local-pg.sh up failed:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        };
        let superuser = DatabaseUrl::parse(&server.url("url")).expect("the superuser's URL");
        let owner_password = password();
        let app_password = password();
        let admin = connect(&superuser.with_database("postgres")).await;
        exec(
            &admin,
            &format!(
                "DROP ROLE IF EXISTS neonhub_api; DROP ROLE IF EXISTS neonhub_app; \
                 CREATE ROLE {OWNER} LOGIN CREATEROLE CREATEDB PASSWORD '{owner_password}'"
            ),
        )
        .await;
        exec(&admin, &format!("CREATE DATABASE {DATABASE} OWNER {OWNER}")).await;
        admin.close().await.ok();
        let owner = superuser
            .with_database(DATABASE)
            .with_credentials(OWNER, Some(&owner_password));
        let project = Self {
            pooler: PgBouncer::start(
                &superuser,
                &[(OWNER, &owner_password), (APP_LOGIN, &app_password)],
                settings,
            ),
            app: owner.with_credentials(APP_LOGIN, Some(&app_password)),
            superuser: superuser.with_database(DATABASE),
            owner,
            server,
        };
        project.pre_create_extension(DATABASE).await;
        project
    }

    /// As the superuser: `CREATE EXTENSION vector` in `database` (managed services pre-create
    /// it; the owner could not).
    pub async fn pre_create_extension(&self, database: &str) {
        let db = connect(&self.superuser.with_database(database)).await;
        exec(&db, "CREATE EXTENSION IF NOT EXISTS vector").await;
        db.close().await.ok();
    }

    /// A new database owned by the owner (created by it: CREATEDB), with the extension
    /// pre-created: a fresh Neon branch's database, say.
    pub async fn create_database(&self, name: &str) {
        let owner = connect(&self.owner.with_database("postgres")).await;
        exec(&owner, &format!("CREATE DATABASE \"{name}\"")).await;
        owner.close().await.ok();
        self.pre_create_extension(name).await;
    }

    /// The owner's direct URL (of [`DATABASE`]).
    pub fn owner(&self) -> &DatabaseUrl {
        &self.owner
    }

    /// The application login's direct URL (the role exists after
    /// [`NeonProject::create_app_login`]).
    pub fn app(&self) -> &DatabaseUrl {
        &self.app
    }

    /// The superuser's URL of [`DATABASE`] (for checks only: no command runs as it).
    pub fn superuser(&self) -> &DatabaseUrl {
        &self.superuser
    }

    /// `direct` through the pooler (TLS, verify-full), with `query` added (`pgbouncer=true`).
    pub fn pooled(&self, direct: &DatabaseUrl, query: &str) -> DatabaseUrl {
        self.pooler.url(direct, query)
    }

    /// The pooler.
    pub fn pooler(&self) -> &PgBouncer {
        &self.pooler
    }

    /// The cluster.
    pub fn server(&self) -> &LocalServer {
        &self.server
    }

    /// As the owner: create the application login, grant it `neonhub_app` (which the
    /// migrations created) and give it the README's timeouts. Run after `migration up`.
    pub async fn create_app_login(&self) {
        let owner = connect(&self.owner).await;
        let password = self.app.password().expect("the login's password");
        exec(
            &owner,
            &format!(
                "CREATE ROLE {APP_LOGIN} LOGIN PASSWORD '{password}'; \
                 GRANT neonhub_app TO {APP_LOGIN}; \
                 ALTER ROLE {APP_LOGIN} SET statement_timeout = '30s'; \
                 ALTER ROLE {APP_LOGIN} SET lock_timeout = '5s'; \
                 ALTER ROLE {APP_LOGIN} SET idle_in_transaction_session_timeout = '60s'"
            ),
        )
        .await;
        owner.close().await.ok();
    }
}

/// A pool of 2 to `url`.
pub async fn connect(url: &DatabaseUrl) -> DatabaseConnection {
    neonhub_db::connect(url, TIMEOUT, 2)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"))
}

/// Run `sql` (simple protocol), panicking with its first words when it fails (the rest may
/// hold a password).
pub async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql).await.unwrap_or_else(|e| {
        let words: Vec<&str> = sql.split_whitespace().take(4).collect();
        panic!("{} …: {}", words.join(" "), neonhub_db::describe(&e))
    });
}
