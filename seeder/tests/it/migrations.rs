//! The seeder refuses to run while migrations are pending, says to run `make migrate`, exits
//! non-zero, and creates nothing (not even the migrations table).

use crate::common;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use seeder::{SeedError, SeedOptions, seed};
use testkit::TestDb;

/// A database migrated all but the last step.
async fn one_migration_behind() -> (TestDb, String) {
    let db = TestDb::empty().await;
    let all = Migrator::migrations();
    let last = all.last().expect("migrations").name().to_owned();
    Migrator::up(db.conn(), Some(all.len() as u32 - 1))
        .await
        .expect("up to n-1");
    (db, last)
}

#[tokio::test]
async fn library_refuses_with_the_pending_migration_named() {
    let (db, last) = one_migration_behind().await;
    let before = common::snapshot(db.conn()).await;
    let err = seed(db.conn(), &SeedOptions::default()).await.unwrap_err();
    match &err {
        SeedError::PendingMigrations { pending } => assert_eq!(pending, &vec![last.clone()]),
        other => panic!("expected PendingMigrations, got {other}"),
    }
    let message = err.to_string();
    assert!(message.contains("make migrate"), "{message}");
    assert!(message.contains(&last), "{message}");
    assert_eq!(common::snapshot(db.conn()).await, before);

    // Once migrated, the same database seeds.
    Migrator::up(db.conn(), None).await.unwrap();
    assert!(
        seed(db.conn(), &SeedOptions::default())
            .await
            .unwrap()
            .created
            > 0
    );
}

#[tokio::test]
async fn binary_refuses_with_exit_code_and_message() {
    let (db, last) = one_migration_behind().await;
    let out = common::run_seeder(db.url().as_str(), &[]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.contains("pending migration") && err.contains(&last),
        "{err}"
    );
    assert!(err.contains("run `make migrate` first"), "{err}");

    // With --json, machines get the error as JSON too.
    let out = common::run_seeder(db.url().as_str(), &["--json"]).await;
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json error");
    assert!(json["error"].as_str().unwrap().contains("make migrate"));
}

#[tokio::test]
async fn never_migrated_database_is_refused_and_left_empty() {
    let db = TestDb::empty().await;
    let err = seed(db.conn(), &SeedOptions::default()).await.unwrap_err();
    match &err {
        SeedError::PendingMigrations { pending } => {
            assert_eq!(pending.len(), Migrator::migrations().len())
        }
        other => panic!("expected PendingMigrations, got {other}"),
    }
    let tables = db
        .conn()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'",
        ))
        .await
        .unwrap()
        .unwrap();
    let n: i64 = tables.try_get("", "n").unwrap();
    assert_eq!(n, 0, "the check created nothing, not even seaql_migrations");
}

#[tokio::test]
async fn errors_never_show_the_password() {
    let (db, _) = one_migration_behind().await;
    // A throwaway password made at run time (a local trust server ignores it).
    let password = uuid::Uuid::now_v7().simple().to_string();
    let user = db.url().user().unwrap_or("postgres").to_owned();
    let with_password = db
        .url()
        .with_credentials(&user, Some(&password))
        .as_str()
        .to_owned();
    let out = common::run_seeder(&with_password, &[]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(!err.contains(&password), "{err}");
}
