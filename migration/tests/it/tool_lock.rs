//! The migrations lock (`neonhub_locks.migrations`): an application login holding every
//! advisory lock the tools ever used stalls no migration and may not take the lock; a wait that
//! runs out names the holder and the command that ends it; a lock whose session was ended stops
//! the run before the next migration.

use migration::EXPECTED_SCHEMA;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use testkit::TestDb;

fn migration(db: &TestDb, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migration"));
    cmd.arg("--database-url").arg(db.url().as_str()).args(args);
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn an_application_login_cannot_hold_the_migrations_hostage() {
    // A login granted neonhub_app (as the API's) takes every advisory lock the tools ever used,
    // in both key forms, and keeps them: a fresh database still migrates at once.
    let db = TestDb::empty().await;
    let login = testkit::AppLogin::new(&db).await;
    let hostage = testkit::tool_locks::hold_former_advisory_locks(&login.conn).await;
    // Before the first run there is no lock table yet, and the login cannot squat its schema.
    assert_eq!(
        testkit::tool_locks::assert_tool_locks_refused(&login.conn).await,
        0
    );
    let started = std::time::Instant::now();
    let out = migration(&db, &["up", "--lock-timeout", "10"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert_eq!(db.catalog().await.render(), EXPECTED_SCHEMA);
    // The migrations lock now exists and is refused to the login.
    assert!(testkit::tool_locks::assert_tool_locks_refused(&login.conn).await >= 1);
    // While it holds all of that, a rollback and a second up run too.
    for args in [
        &["down", "--lock-timeout", "10"][..],
        &["up", "--lock-timeout", "10"],
    ] {
        let out = migration(&db, args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out));
    }
    hostage.rollback().await.ok();
    login.drop_role().await;
}

#[tokio::test]
async fn a_migrator_that_waits_too_long_names_the_holder() {
    use testkit::neonhub_db::{ToolLock, ToolLockName};
    let db = TestDb::migrated().await;
    let holder = ToolLock::acquire(
        db.url(),
        ToolLockName::Migrations,
        std::time::Duration::from_secs(10),
        std::time::Duration::from_secs(10),
    )
    .await
    .unwrap();
    let pid = testkit::int(
        db.conn(),
        "SELECT pid::bigint FROM pg_locks \
          WHERE relation = 'neonhub_locks.migrations'::regclass AND granted",
    )
    .await;
    let out = migration(&db, &["up", "--lock-timeout", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "must give up while the lock is held");
    let t = text(&out);
    for needle in [
        "waiting for the migrations lock (neonhub_locks.migrations)",
        "waited 1s for the migrations lock (table neonhub_locks.migrations)",
        &format!("held by pid {pid} (role "),
        "application 'migration pid ",
        "idle in transaction",
        &format!("SELECT pg_terminate_backend({pid})"),
    ] {
        assert!(t.contains(needle), "expected {needle:?} in: {t}");
    }
    assert!(!t.contains("seeder"), "{t}");
    // The other tools' locks are their own: a seed-lock holder does not stop a migration.
    holder.release().await.unwrap();
    let seed_holder = ToolLock::acquire(
        db.url(),
        ToolLockName::Seed,
        std::time::Duration::from_secs(10),
        std::time::Duration::from_secs(10),
    )
    .await
    .unwrap();
    let out = migration(&db, &["up", "--lock-timeout", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    seed_holder.release().await.unwrap();
}

#[tokio::test]
async fn a_terminated_lock_session_is_noticed_before_success_is_recorded() {
    // The lock's session ended under a running migrator (pg_terminate_backend of a lock that
    // looked stale): the runner refuses to record success instead of carrying on unlocked.
    let db = TestDb::empty().await;
    let victim = "m20261125_000300_organizations";
    let mut child = migration(&db, &["up"])
        .env("NEONHUB_TEST_PAUSE_IN_MIGRATION", victim)
        .env("NEONHUB_TEST_PAUSE_SECONDS", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    loop {
        let line = lines.next().expect("child ended before pausing").unwrap();
        if line.contains(&format!("paused inside {victim}")) {
            break;
        }
    }
    let ended = testkit::int(
        db.conn(),
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_locks \
          WHERE relation = 'neonhub_locks.migrations'::regclass AND granted) t",
    )
    .await;
    assert_eq!(ended, 1);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "must fail once its lock is gone");
    let rest = rest.join("\n");
    assert!(
        rest.contains("the migrations lock was lost before the run finished"),
        "{rest}"
    );
    // It stopped before the next migration; a new run completes the schema.
    assert_eq!(
        testkit::int(db.conn(), "SELECT count(*) FROM seaql_migrations").await,
        3,
        "no migration started after the lock was lost"
    );
    let out = migration(&db, &["up"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(db.catalog().await.render(), EXPECTED_SCHEMA);
}
