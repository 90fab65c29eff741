//! Four seeders started together (four processes of the built binary, four connections) all
//! succeed, exactly one of them does the work, and the database ends as after one seed.

use crate::common;

use seeder::{SeedOptions, SeedReport, seed};
use testkit::TestDb;

#[tokio::test]
async fn four_concurrent_seeders_equal_one() {
    // Reference: the row counts of one seed on its own database.
    let single = TestDb::migrated().await;
    let one = seed(single.conn(), &SeedOptions::default()).await.unwrap();
    let expected = common::counts(single.conn()).await;

    let db = TestDb::migrated().await;
    let url = db.url().as_str().to_owned();
    let runs = (0..4).map(|_| {
        let url = url.clone();
        tokio::spawn(async move { common::run_seeder(&url, &["--json"]).await })
    });
    let mut reports = Vec::new();
    for run in runs {
        let out = run.await.unwrap();
        assert!(
            out.status.success(),
            "a concurrent seeder failed: {}",
            common::stderr(&out)
        );
        let report: SeedReport = serde_json::from_slice(&out.stdout).expect("--json report");
        reports.push(report);
    }

    assert_eq!(common::counts(db.conn()).await, expected);
    let created: u64 = reports.iter().map(|r| r.created).sum();
    assert_eq!(created, one.created, "the rows were created once in all");
    assert_eq!(
        reports.iter().filter(|r| r.created > 0).count(),
        1,
        "one seeder did the work, the others found it done"
    );
    for r in &reports {
        assert_eq!(r.created + r.unchanged, one.created, "{r:?}");
        assert_eq!(r.updated, 0);
    }
}

#[tokio::test]
async fn concurrent_library_calls_on_separate_connections() {
    let db = TestDb::migrated().await;
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let url = db.url().clone();
        tasks.push(tokio::spawn(async move {
            let conn = neonhub_db::connect(&url, neonhub_db::DEFAULT_CONNECT_TIMEOUT, 1)
                .await
                .unwrap();
            seed(&conn, &SeedOptions::default()).await
        }));
    }
    let mut created = 0;
    for task in tasks {
        created += task.await.unwrap().expect("every seeder succeeds").created;
    }
    let plan_rows = seeder::fixtures().unwrap().len() as u64;
    assert_eq!(created, plan_rows);
    let counts = common::counts(db.conn()).await;
    for (table, n) in seeder::fixtures().unwrap().counts() {
        assert_eq!(counts[table], n as i64, "{table}");
    }
}

#[tokio::test]
async fn a_seeder_gives_up_after_the_lock_timeout_and_names_the_holder() {
    use neonhub_db::{DbError, ToolLock, ToolLockName};
    let db = TestDb::migrated().await;
    // Another run holds the seed lock.
    let holder = ToolLock::acquire(
        db.url(),
        ToolLockName::Seed,
        std::time::Duration::from_secs(10),
        std::time::Duration::from_secs(10),
    )
    .await
    .unwrap();
    let pid = testkit::int(
        db.conn(),
        "SELECT l.pid::bigint FROM pg_locks l WHERE l.relation = 'neonhub_locks.seed'::regclass \
           AND l.granted",
    )
    .await;
    let started = std::time::Instant::now();
    let err = seed(
        db.conn(),
        &SeedOptions {
            lock_timeout: std::time::Duration::from_secs(1),
            ..SeedOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            &err,
            seeder::SeedError::Lock(e) if matches!(
                e.as_ref(),
                DbError::LockTimeout { lock, seconds: 1, holder: Some(h) }
                    if lock == "seed" && i64::from(h.pid) == pid
            )
        ),
        "{err}"
    );
    let text = err.to_string();
    for needle in [
        "waited 1s for the seed lock (table neonhub_locks.seed)",
        &format!("held by pid {pid}"),
        "application 'seeder pid ",
        "idle in transaction",
        &format!("SELECT pg_terminate_backend({pid})"),
        "nothing was written",
    ] {
        assert!(text.contains(needle), "expected {needle:?} in: {text}");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    holder.release().await.unwrap();
    assert!(
        seed(db.conn(), &SeedOptions::default())
            .await
            .unwrap()
            .created
            > 0
    );
}

#[tokio::test]
async fn an_application_login_cannot_hold_the_seed_hostage() {
    // The login takes every advisory lock the tools ever used (the seeder's was
    // pg_advisory_xact_lock of "neonhub:seed", which it could take and keep for ever).
    let db = TestDb::migrated().await;
    let login = testkit::AppLogin::new(&db).await;
    let hostage = testkit::tool_locks::hold_former_advisory_locks(&login.conn).await;
    let started = std::time::Instant::now();
    let report = seed(
        db.conn(),
        &SeedOptions {
            lock_timeout: std::time::Duration::from_secs(10),
            ..SeedOptions::default()
        },
    )
    .await
    .expect("the seed runs while the login holds every former lock");
    assert!(report.created > 0);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // And the seed's own lock is out of its reach.
    assert!(testkit::tool_locks::assert_tool_locks_refused(&login.conn).await >= 1);
    hostage.rollback().await.ok();
    login.drop_role().await;
}
