//! A seed that fails midway leaves every table as it was: on a fresh database and on a seeded
//! one with drifted rows; through the library and through the binary (non-zero exit).

use crate::common;

use seeder::{SeedError, SeedOptions, seed, seeded_tables};
use testkit::TestDb;

fn failing_after(table: &str) -> SeedOptions {
    SeedOptions {
        fail_after: Some(table.into()),
        ..SeedOptions::default()
    }
}

#[tokio::test]
async fn failure_midway_on_a_fresh_database_writes_nothing() {
    let db = TestDb::migrated().await;
    let conn = db.conn();
    let before = common::snapshot(conn).await;
    let tables = seeded_tables();
    // Early, in the middle, and after the very last row (the audit entry).
    for table in [tables[0], tables[tables.len() / 2], "audit_logs"] {
        let err = seed(conn, &failing_after(table)).await.unwrap_err();
        assert!(
            matches!(&err, SeedError::Injected { table: t } if t == table),
            "{err}"
        );
        assert_eq!(
            common::snapshot(conn).await,
            before,
            "after failing at {table}"
        );
    }
    // The database is still fine to seed.
    assert!(seed(conn, &SeedOptions::default()).await.unwrap().created > 0);
}

#[tokio::test]
async fn failed_repair_leaves_the_drift_in_place() {
    let db = TestDb::migrated().await;
    let conn = db.conn();
    seed(conn, &SeedOptions::default()).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(
        conn,
        "UPDATE organizations SET name = 'Drifted'; DELETE FROM chunks WHERE idx = 0;",
    )
    .await
    .unwrap();
    let drifted = common::snapshot(conn).await;
    seed(conn, &failing_after("messages")).await.unwrap_err();
    assert_eq!(common::snapshot(conn).await, drifted);
}

#[tokio::test]
async fn the_binary_exits_non_zero_and_rolls_back() {
    let db = TestDb::migrated().await;
    let before = common::snapshot(db.conn()).await;
    let out = common::run_seeder(db.url().as_str(), &["--fail-after", "connectors"]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("rolled back"), "{err}");
    assert!(common::stdout(&out).is_empty(), "no report on failure");
    assert_eq!(common::snapshot(db.conn()).await, before);

    let out = common::run_seeder(db.url().as_str(), &["--fail-after", "no_such_table"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("not a table the seed writes"));
}

#[tokio::test]
async fn unknown_fail_after_table_is_refused_before_any_write() {
    let db = TestDb::migrated().await;
    let err = seed(db.conn(), &failing_after("nope")).await.unwrap_err();
    assert!(matches!(err, SeedError::UnknownTable(..)), "{err}");
}
