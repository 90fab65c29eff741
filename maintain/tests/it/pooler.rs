//! `vector-maintain` through a real transaction pooler (Debian's PgBouncer 1.18, transaction
//! mode, 4 server connections, TLS; `pgbouncer=true` in the URL): killed (SIGKILL) while it
//! builds a tenant's index, it leaves no `vector_maintain` lock held and no setting on any
//! server connection of the pool (all pinned at once); the next run completes the work.

use crate::vector_maintain::load_tenants;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use testkit::TestDb;
use testkit::neon::assert_pool_clean;
use testkit::pgbouncer::{PgBouncer, Settings};

#[tokio::test]
async fn a_maintainer_killed_through_the_pooler_leaves_no_lock_and_no_setting() {
    let db = TestDb::migrated().await;
    // One tenant above the index threshold: its build takes a moment.
    load_tenants(&db, &[1.0], 3000, 0, 7).await;
    let direct = db.url().clone();
    let password = direct.password().unwrap_or_default();
    let pooler = PgBouncer::start(
        &direct,
        &[(direct.user().unwrap_or("postgres"), &password)],
        Settings::default(),
    );
    let pooled = pooler.url(&direct, "pgbouncer=true");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_vector-maintain"))
            .current_dir(std::env::temp_dir())
            .env_remove("DATABASE_URL_UNPOOLED")
            .env_remove("PGPASSWORD")
            .env("DATABASE_URL", pooled.as_str())
            .env("DIRECT_DATABASE_URL", pooled.as_str())
            .env("RUST_BACKTRACE", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut child = run();
    // Kill it once its build runs (and its lock is held).
    let started = Instant::now();
    loop {
        let building = testkit::int(
            db.conn(),
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
               AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active'",
        )
        .await;
        if building > 0 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "vector-maintain ended before its build was seen"
        );
        assert!(started.elapsed() < Duration::from_secs(60), "no build seen");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
              WHERE c.relname = 'vector_maintain' \
                AND c.relnamespace = 'neonhub_locks'::regnamespace AND l.granted"
        )
        .await,
        1,
        "the run holds its lock through the pooler"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let sessions = assert_pool_clean(&pooler, &direct, &direct).await;
    assert_eq!(sessions.len(), 4);

    // The next run (the killed build's server session may still be finishing: the server
    // notices a vanished client only when it next writes to it) completes the work.
    let out = run().wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the next run completes: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_pool_clean(&pooler, &direct, &direct).await;
}
