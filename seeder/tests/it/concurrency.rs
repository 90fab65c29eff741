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
async fn a_seeder_gives_up_after_the_lock_timeout() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
    let db = TestDb::migrated().await;
    // Another session holds the seed lock in an open transaction.
    let holder = db.conn().begin().await.unwrap();
    holder
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [neonhub_db::AdvisoryLock::key_for(seeder::LOCK_NAME).into()],
        ))
        .await
        .unwrap();
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
        matches!(err, seeder::SeedError::LockTimeout { seconds: 1 }),
        "{err}"
    );
    assert!(err.to_string().contains("another seeder"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    holder.rollback().await.unwrap();
    assert!(
        seed(db.conn(), &SeedOptions::default())
            .await
            .unwrap()
            .created
            > 0
    );
}
