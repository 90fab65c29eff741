//! What a worker can know about the coordinator backend and transaction it serves, for a
//! tenant context bound to both (a MAC over org, user, backend and expiry, checked by the
//! policies' function on the shards): `pg_backend_pid()` and `now()` differ on the worker,
//! `citus_backend_gpid()` and the distributed transaction id agree. Then the attacks on such a
//! binding: any session can claim another backend's gpid, and the propagated setting of
//! another session is readable through Citus's activity views and `run_command_on_workers`.

use crate::{ORG_A, column, exec, fails, tenant_fixture};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use testkit::citus::{Cluster, ClusterDb};

const PROPAGATE: &str = "SET LOCAL citus.propagate_set_commands = 'local'";

/// One reading of `probe()`: where and as what a statement ran.
#[derive(Debug, Clone, PartialEq)]
struct Probe {
    pid: i64,
    now: String,
    gpid: i64,
    /// `get_current_transaction_id()`: (database, process, initiator node, number, stamp).
    xid: Vec<String>,
}

impl Probe {
    fn parse(text: &str) -> Self {
        let parts: Vec<&str> = text.splitn(4, '|').collect();
        let xid = parts[3]
            .trim_matches(|c| c == '(' || c == ')')
            .split(',')
            .map(|p| p.trim_matches('"').to_owned())
            .collect();
        Self {
            pid: parts[0].parse().expect("a pid"),
            now: parts[1].to_owned(),
            gpid: parts[2].parse().expect("a gpid"),
            xid,
        }
    }

    /// The part of the distributed transaction id the coordinator assigns: initiator node,
    /// transaction number, stamp.
    fn distributed(&self) -> &[String] {
        &self.xid[2..]
    }
}

async fn probe<C: ConnectionTrait>(db: &C, sql: &str) -> Probe {
    Probe::parse(&column(db, sql).await.remove(0))
}

const ON_COORDINATOR: &str = "SELECT probe()";
fn on_worker() -> String {
    format!("SELECT probe() FROM items WHERE organization_id = '{ORG_A}' LIMIT 1")
}

async fn fixture() -> (ClusterDb, DatabaseConnection) {
    let db = Cluster::running().database().await;
    tenant_fixture(&db).await;
    let app = db.app(1).await;
    (db, app)
}

async fn enter<C: ConnectionTrait>(tx: &C) {
    exec(tx, PROPAGATE).await;
    exec(tx, &format!("SET LOCAL neonhub.tenant = '{ORG_A}'")).await;
}

#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn a_worker_sees_the_coordinators_gpid_and_transaction_but_its_own_pid_and_now() {
    let (db, app) = fixture().await;
    let tx = app.begin().await.expect("begin");
    enter(&tx).await;
    let before = probe(&tx, ON_COORDINATOR).await;
    let worker = probe(&tx, &on_worker()).await;
    exec(&tx, "SELECT pg_sleep(0.05)").await;
    let worker_again = probe(&tx, &on_worker()).await;
    let after = probe(&tx, ON_COORDINATOR).await;
    tx.rollback().await.ok();
    println!(
        "coordinator before the first shard query: {before:?}\nworker: {worker:?}\n\
         worker, a statement later: {worker_again:?}\ncoordinator after: {after:?}"
    );

    assert_ne!(
        worker.pid, before.pid,
        "the worker's backend is another process"
    );
    assert_eq!(
        worker_again, worker,
        "one worker backend and one now() for the transaction"
    );
    assert_eq!(after.now, before.now);
    assert!(
        worker.now > before.now,
        "the worker's transaction starts when the coordinator first reaches it: {} vs {}",
        worker.now,
        before.now
    );
    let node_id: i64 = column(
        db.conn(),
        "SELECT nodeid::text FROM pg_dist_node WHERE groupid = 0",
    )
    .await[0]
        .parse()
        .expect("the coordinator's node id");
    assert_eq!(before.gpid, node_id * 10_000_000_000 + before.pid);
    assert_eq!(
        worker.gpid, before.gpid,
        "the worker reports the coordinator's gpid"
    );
    assert_eq!(
        before.xid[3], "0",
        "no distributed transaction number before the first shard query"
    );
    assert_eq!(
        worker.distributed(),
        after.distributed(),
        "initiator node, transaction number and stamp agree once assigned"
    );
    assert_ne!(
        worker.xid[..2],
        after.xid[..2],
        "database oid and process are each node's"
    );
}

#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn any_session_of_the_login_can_claim_another_backends_gpid() {
    let (db, app) = fixture().await;
    let victim = db.app(1).await;
    let gpid = column(&victim, "SELECT citus_backend_gpid()::text")
        .await
        .remove(0);
    let claim = format!("SET application_name = 'citus_internal gpid={gpid}'");

    // On the coordinator: the claimed gpid is reported at once ...
    exec(&app, &claim).await;
    assert_eq!(
        column(&app, "SELECT citus_backend_gpid()::text").await,
        std::slice::from_ref(&gpid)
    );
    // ... distributed queries are then refused, until one more setting allows them ...
    let err = fails(
        &app,
        &format!("SELECT count(*) FROM items WHERE organization_id = '{ORG_A}'"),
    )
    .await;
    assert!(
        err.contains("cannot execute a distributed query from a query on a shard"),
        "{err}"
    );
    exec(&app, "SET citus.allow_nested_distributed_execution = on").await;
    // ... and the workers then see the claimed gpid as well.
    let tx = app.begin().await.expect("begin");
    enter(&tx).await;
    let seen = probe(&tx, &on_worker()).await;
    assert_eq!(seen.gpid.to_string(), gpid, "the worker believes the claim");
    assert_eq!(
        column(&tx, "SELECT count(*)::text FROM items").await,
        ["50"]
    );
    tx.rollback().await.ok();

    // On a worker, reached directly with the login's password: the same claim.
    let direct = db
        .node_url(1)
        .with_credentials("neonhub_api", db.app_url().password().as_deref());
    let worker = neonhub_db::connect(&direct, std::time::Duration::from_secs(10), 1)
        .await
        .expect("the login may connect to a worker directly");
    exec(&worker, &claim).await;
    assert_eq!(
        column(&worker, "SELECT citus_backend_gpid()::text").await,
        [gpid]
    );
}

/// The victim enters its context the careful way: the value goes to a SECURITY DEFINER
/// function as a bound parameter, so no query text on the coordinator holds it. The worker's
/// copy of it is a query text all the same.
#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn another_session_reads_the_propagated_setting_off_the_workers() {
    let (db, attacker) = fixture().await;
    let victim = db.app(1).await;
    // Stands for a signed ticket: a value only the victim's transaction should know.
    let ticket = uuid::Uuid::now_v7().to_string();
    let tx = victim.begin().await.expect("begin");
    enter(&tx).await;
    let gpid = column(&tx, "SELECT citus_backend_gpid()::text")
        .await
        .remove(0);
    // The first shard query opens the worker connection; the SET LOCAL the definer function
    // runs next is sent to it as a statement of its own, and stays its last query.
    column(
        &tx,
        &format!("SELECT count(*)::text FROM items WHERE organization_id = '{ORG_A}'"),
    )
    .await;
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT enter_tenant($1)",
        [uuid::Uuid::parse_str(&ticket).expect("a uuid").into()],
    ))
    .await
    .expect("enter_tenant");

    let seen = column(
        &attacker,
        &format!(
            "SELECT is_worker_query::text || ' ' || global_pid::text || ' ' || query
               FROM citus_stat_activity
              WHERE query LIKE '%{ticket}%' AND query NOT LIKE '%citus_stat_activity%'"
        ),
    )
    .await;
    println!("citus_stat_activity, read by another session of the login: {seen:?}");
    assert_eq!(
        seen,
        [format!("true {gpid} SET LOCAL neonhub.tenant = '{ticket}'")],
        "the victim's gpid and its setting, side by side, from the worker only"
    );
    let through_workers = column(
        &attacker,
        &format!(
            "SELECT string_agg(result, ' ') FROM run_command_on_workers($$
                 SELECT count(*) FROM pg_stat_activity
                  WHERE query LIKE '%{ticket}%' AND query NOT LIKE '%pg_stat_activity%'$$)"
        ),
    )
    .await;
    let found: i64 = through_workers[0]
        .split(' ')
        .map(|n| n.parse::<i64>().expect("a count"))
        .sum();
    assert_eq!(
        found, 1,
        "run_command_on_workers reads the workers' pg_stat_activity"
    );
    tx.rollback().await.ok();
}
