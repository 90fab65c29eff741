//! The application login's upkeep in `scripts/local-pg.sh up` (what `make db-up`, and so every
//! `make migrate`, runs): safe to run many times at once, idempotent (an `up` with nothing to do
//! writes no catalog row), it repairs whatever differs (attributes, membership, password,
//! settings), and it leaves the login with the timeouts that end a runaway request:
//! `statement_timeout` 30s, `lock_timeout` 5s, `idle_in_transaction_session_timeout` 60s.
//!
//! Each test starts its own server (ports 55450-55454) in a folder of its own, reusing the
//! installed wheel of the development server (`make db-up`).

use neonhub_db::DatabaseUrl;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::time::Duration;
use testkit::local_server::LocalServer;

/// The ports of each test (apart: two tests choosing a free port at once could pick the same).
const PORTS_FRESH: std::ops::RangeInclusive<u16> = 55450..=55451;
const PORTS_CONCURRENT: std::ops::RangeInclusive<u16> = 55452..=55454;

/// What `make db-up` leaves on the application login (role settings, any database).
const SETTINGS: [&str; 3] = [
    "statement_timeout=30s",
    "lock_timeout=5s",
    "idle_in_transaction_session_timeout=60s",
];

async fn connect(url: &str) -> DatabaseConnection {
    let url = DatabaseUrl::parse(url).expect("a valid URL");
    neonhub_db::connect(&url, Duration::from_secs(10), 1)
        .await
        .expect("connect with the password from the script")
}

async fn text(db: &DatabaseConnection, sql: &str) -> String {
    db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .map(|row| row.try_get_by_index::<String>(0).expect("text"))
        .unwrap_or_default()
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

// Roles are looked up by name in every query: the connection caches prepared statements, and a
// `'name'::regrole` constant would keep the oid of a role dropped and created again.

/// The catalog rows the upkeep may write, with their xmin: any write shows.
async fn catalog_rows(owner: &DatabaseConnection) -> String {
    text(
        owner,
        "SELECT concat_ws(' | ',
           (SELECT string_agg(rolname || '@' || xmin, ',' ORDER BY rolname) FROM pg_authid
             WHERE rolname IN ('neonhub_app', 'neonhub_api')),
           (SELECT string_agg(xmin::text, ',') FROM pg_auth_members
             WHERE member = (SELECT oid FROM pg_roles WHERE rolname = 'neonhub_api')),
           (SELECT string_agg(xmin::text || ':' || array_to_string(setconfig, ','), ',')
              FROM pg_db_role_setting WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = 'neonhub_api')))",
    )
    .await
}

/// The application login as the owner sees it: attributes, membership, settings.
async fn login_state(owner: &DatabaseConnection) -> String {
    text(
        owner,
        "SELECT concat_ws(' | ',
           (SELECT format('login=%s super=%s createdb=%s createrole=%s bypassrls=%s',
                          rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls)
              FROM pg_roles WHERE rolname = 'neonhub_api'),
           (SELECT count(*)::text FROM pg_auth_members
             WHERE roleid = (SELECT oid FROM pg_roles WHERE rolname = 'neonhub_app') AND member = (SELECT oid FROM pg_roles WHERE rolname = 'neonhub_api')),
           (SELECT array_to_string(ARRAY(SELECT unnest(setconfig) ORDER BY 1), ',')
              FROM pg_db_role_setting
             WHERE setrole = (SELECT oid FROM pg_roles WHERE rolname = 'neonhub_api') AND setdatabase = 0))",
    )
    .await
}

const GOOD_STATE: &str = "login=t super=f createdb=f createrole=f bypassrls=f | 1 | \
     idle_in_transaction_session_timeout=60s,lock_timeout=5s,statement_timeout=30s";

/// `up` `n` times at once; every run must succeed.
fn concurrent_ups(server: &LocalServer, n: usize) {
    let outputs: Vec<_> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..n)
            .map(|_| scope.spawn(|| server.run(&["up"])))
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("an up thread"))
            .collect()
    });
    let failed: Vec<String> = outputs
        .iter()
        .filter(|o| !o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {n} concurrent `up` failed:\n{}",
        failed.len(),
        failed.join("\n---\n")
    );
}

/// The login's own view: the timeouts are in force in its sessions, and it authenticates with
/// the password the script wrote.
async fn assert_login_works(server: &LocalServer) {
    let app = connect(&server.url("app-url")).await;
    assert_eq!(text(&app, "SHOW statement_timeout").await, "30s");
    assert_eq!(text(&app, "SHOW lock_timeout").await, "5s");
    assert_eq!(
        text(&app, "SHOW idle_in_transaction_session_timeout").await,
        "1min"
    );
    app.close().await.ok();
}

#[tokio::test]
async fn a_fresh_up_sets_the_timeouts_and_an_up_with_nothing_to_do_writes_nothing() {
    let server = LocalServer::prepare("role-upkeep-fresh", PORTS_FRESH);
    server.up();
    let owner = connect(&server.url("url")).await;
    assert_eq!(login_state(&owner).await, GOOD_STATE);
    for setting in SETTINGS {
        assert!(GOOD_STATE.contains(setting), "{setting}");
    }
    assert_login_works(&server).await;

    // Again, and 8 at once: not one catalog row written.
    let before = catalog_rows(&owner).await;
    server.up();
    concurrent_ups(&server, 8);
    assert_eq!(
        catalog_rows(&owner).await,
        before,
        "an up with nothing to do wrote to the catalog"
    );
    owner.close().await.ok();
}

#[tokio::test]
async fn eight_concurrent_ups_repair_or_recreate_the_login() {
    let server = LocalServer::prepare("role-upkeep-concurrent", PORTS_CONCURRENT);
    server.up();
    let owner = connect(&server.url("url")).await;

    // Everything the upkeep owns, changed: attributes, membership, password, settings (one
    // wrong, one removed, one extra kept).
    exec(
        &owner,
        "ALTER ROLE neonhub_api CREATEROLE BYPASSRLS PASSWORD 'not-the-file-password';
         REVOKE neonhub_app FROM neonhub_api;
         ALTER ROLE neonhub_api SET statement_timeout = '1ms';
         ALTER ROLE neonhub_api RESET lock_timeout;",
    )
    .await;
    assert_ne!(login_state(&owner).await, GOOD_STATE);
    concurrent_ups(&server, 8);
    assert_eq!(login_state(&owner).await, GOOD_STATE);
    assert_login_works(&server).await;

    // Gone altogether: 8 at once create it once.
    exec(&owner, "DROP ROLE neonhub_api").await;
    concurrent_ups(&server, 8);
    assert_eq!(login_state(&owner).await, GOOD_STATE);
    assert_eq!(
        text(
            &owner,
            "SELECT count(*)::text FROM pg_roles WHERE rolname = 'neonhub_api'"
        )
        .await,
        "1"
    );
    assert_login_works(&server).await;
    owner.close().await.ok();
}
