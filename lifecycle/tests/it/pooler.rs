//! `lifecycle purge` through a real transaction pooler (Debian's PgBouncer 1.18, transaction
//! mode, 4 server connections, TLS; `pgbouncer=true` in the URL): killed (SIGKILL) between its
//! batches, it leaves no `purge` lock held and no setting (its batches' `SET LOCAL` lock
//! timeouts) on any server connection of the pool (all pinned at once); the next run finishes.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use testkit::TestDb;
use testkit::neon::assert_pool_clean;
use testkit::pgbouncer::{PgBouncer, Settings};

#[tokio::test]
async fn a_purge_killed_through_the_pooler_leaves_no_lock_and_no_setting() {
    let db = TestDb::migrated().await;
    sea_orm::ConnectionTrait::execute_unprepared(
        db.conn(),
        "INSERT INTO metric_events (type, meta, created_at) \
         SELECT 'pooled', '{}', now() - interval '2 years' FROM generate_series(1, 60)",
    )
    .await
    .unwrap();
    let direct = db.url().clone();
    let password = direct.password().unwrap_or_default();
    let pooler = PgBouncer::start(
        &direct,
        &[(direct.user().unwrap_or("postgres"), &password)],
        Settings::default(),
    );
    let pooled = pooler.url(&direct, "pgbouncer=true");
    let run = |pause_ms: &str| {
        Command::new(env!("CARGO_BIN_EXE_lifecycle"))
            .current_dir(std::env::temp_dir())
            .args(["purge", "--batch-rows", "3", "--pause-ms", pause_ms])
            .env_remove("DATABASE_URL_UNPOOLED")
            .env_remove("PGPASSWORD")
            .env_remove("RETENTION_AUDIT_LOGS")
            .env("DATABASE_URL", pooled.as_str())
            .env("DIRECT_DATABASE_URL", pooled.as_str())
            .env("RUST_BACKTRACE", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let left = || async {
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM metric_events WHERE type = 'pooled'",
        )
        .await
    };
    // 60 rows in batches of 3, 300 ms apart: killed after a few batches.
    let mut child = run("300");
    let started = Instant::now();
    while left().await > 50 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the purge never started"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(left().await > 0, "killed before the end");
    let sessions = assert_pool_clean(&pooler, &direct, &direct).await;
    assert_eq!(sessions.len(), 4);

    let status = run("0").wait().unwrap();
    assert!(status.success(), "the next run finishes");
    assert_eq!(left().await, 0);
    assert_pool_clean(&pooler, &direct, &direct).await;
}
