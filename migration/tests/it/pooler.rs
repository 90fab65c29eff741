//! The migrations lock and the session settings through a real transaction pooler (Debian's
//! PgBouncer 1.18, transaction mode, 4 server connections per pool, TLS) in front of the Neon
//! emulation ([`testkit::neon`]: a non-superuser owner), each test trying to break them:
//!
//! - 4 `migration up` at once through the pooler on a fresh database: each migration applied
//!   once; the first that runs outside a transaction is refused by every run, naming the direct
//!   URL, the others either applied or found nothing pending;
//! - a migrator killed (SIGKILL) inside a migration through the pooler: no lock held afterwards,
//!   no setting on any server connection of the pool (all pinned at once), the migration not
//!   recorded, the next run at once.
//!
//! `down` and `up` under the application's traffic through the pooler: entity/tests/it/pooler.rs.

use migration::state::known;
use neonhub_db::DatabaseUrl;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use testkit::neon::NeonProject;
use testkit::pgbouncer::Settings;

/// `migration args` on `url` (readers and writers alike), from a folder without `.env`.
fn migration(url: &DatabaseUrl, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migration"));
    cmd.args(args)
        .current_dir(std::env::temp_dir())
        .env_remove("DATABASE_URL_UNPOOLED")
        .env_remove("PGPASSWORD")
        .env("DATABASE_URL", url.as_str())
        .env("DIRECT_DATABASE_URL", url.as_str())
        .env("RUST_BACKTRACE", "0");
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

async fn int(url: &DatabaseUrl, sql: &str) -> i64 {
    let db = testkit::neon::connect(url).await;
    let n = testkit::int(&db, sql).await;
    db.close().await.ok();
    n
}

/// The index of the first migration that runs outside a transaction.
fn first_outside_transaction() -> usize {
    use sea_orm_migration::MigratorTrait;
    migration::Migrator::migrations()
        .iter()
        .position(|m| m.use_transaction() == Some(false))
        .expect("a migration outside a transaction")
}

#[tokio::test]
async fn four_migrators_through_the_pooler_never_collide() {
    let project = NeonProject::start(Settings::default()).await;
    project.create_database("fresh").await;
    let direct = project.owner().with_database("fresh");
    let pooled = project.pooled(&direct, "pgbouncer=true");
    let superuser = project.superuser().with_database("fresh");

    let run_four = |args: &'static [&'static str]| {
        let children: Vec<_> = (0..4)
            .map(|_| {
                migration(&pooled, args)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect::<Vec<Output>>()
    };

    // A fresh database: the migrations before the first that runs outside a transaction are
    // applied once, by one run; that one is refused by every run, with the direct URL to use.
    let stop = first_outside_transaction();
    let refused = &known()[stop];
    let outputs = run_four(&["up"]);
    for out in &outputs {
        let t = text(out);
        assert!(!out.status.success(), "{t}");
        assert!(
            t.contains(refused.as_str())
                && t.contains("runs outside a transaction")
                && t.contains("DIRECT_DATABASE_URL"),
            "{t}"
        );
    }
    let appliers = outputs
        .iter()
        .filter(|o| !String::from_utf8_lossy(&o.stderr).contains("waiting for the migrations lock"))
        .count();
    assert!(appliers >= 1);
    assert_eq!(
        int(&superuser, "SELECT count(*) FROM seaql_migrations").await,
        stop as i64
    );
    assert_eq!(
        int(
            &superuser,
            "SELECT count(DISTINCT version) FROM seaql_migrations"
        )
        .await,
        stop as i64
    );
    assert_eq!(
        int(&superuser, "SELECT count(*) FROM _migration_checksums").await,
        stop as i64,
        "the applied ones are recorded"
    );
    project.assert_pool_clean(&direct).await;

    // The rest directly; then the last ones that run in a transaction rolled back, and 4 runs
    // through the pooler: one applies them, the others find nothing pending, all succeed.
    let (tail, _) = testkit::neon::pooled_tail();
    let out = migration(&direct, &["up"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = migration(&direct, &["down", "-n", &tail.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let outputs = run_four(&["up"]);
    for out in &outputs {
        assert!(out.status.success(), "{}", text(out));
    }
    let applied: Vec<String> = outputs
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .filter(|s| s.contains(&format!("applied {tail} migration(s)")))
        .collect();
    assert_eq!(applied.len(), 1, "{outputs:?}");
    let total = known().len() as i64;
    assert_eq!(
        int(&superuser, "SELECT count(*) FROM seaql_migrations").await,
        total
    );
    assert_eq!(
        int(
            &superuser,
            "SELECT count(DISTINCT version) FROM seaql_migrations"
        )
        .await,
        total
    );
    project.assert_pool_clean(&direct).await;
}

#[tokio::test]
async fn a_migrator_killed_through_the_pooler_leaves_no_lock_and_no_setting() {
    let project = NeonProject::start(Settings::default()).await;
    project.create_database("killed").await;
    let direct = project.owner().with_database("killed");
    let pooled = project.pooled(&direct, "pgbouncer=true");
    let superuser = project.superuser().with_database("killed");
    // Directly up to the last migration that runs outside a transaction; the next ones (in a
    // transaction, with their SET LOCAL timeouts) through the pooler.
    use sea_orm_migration::MigratorTrait;
    let migrations = migration::Migrator::migrations();
    let last_outside = migrations
        .iter()
        .rposition(|m| m.use_transaction() == Some(false))
        .unwrap();
    let victim = migrations[last_outside + 1].name().to_owned();
    let out = migration(&direct, &["up", "-n", &(last_outside + 1).to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));

    let mut child = migration(&pooled, &["up"])
        .env("NEONHUB_TEST_PAUSE_IN_MIGRATION", &victim)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    loop {
        let line = lines.next().expect("ended before pausing").unwrap();
        if line.contains(&format!("paused inside {victim}")) {
            break;
        }
    }
    // It holds the lock and sits in its migration's transaction, its SET LOCAL timeouts set, on
    // server connections of the pool.
    assert_eq!(
        int(
            &superuser,
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
              WHERE c.relname = 'migrations' AND c.relnamespace = 'neonhub_locks'::regnamespace"
        )
        .await,
        1
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let sessions = project.assert_pool_clean(&direct).await;
    assert_eq!(sessions.len(), 4);
    assert_eq!(
        int(
            &superuser,
            &format!("SELECT count(*) FROM seaql_migrations WHERE version = '{victim}'")
        )
        .await,
        0,
        "the killed migration is not recorded"
    );
    // The next run gets the lock at once (it would fail after 1 s otherwise).
    let out = migration(&pooled, &["up", "--lock-timeout", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        int(&superuser, "SELECT count(*) FROM seaql_migrations").await,
        known().len() as i64
    );
    project.assert_pool_clean(&direct).await;
}
