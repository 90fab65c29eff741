//! `smoke` counts every registered table, reports a missing table on its row with a non-zero
//! exit, prints JSON that lists every entity's table, and `--expect-seeded` passes after a seed.

use std::process::{Command, Output};
use testkit::DatabaseUrlArg;
use testkit::TestDb;

fn smoke(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smoke"))
        .database_url(db.url().as_str())
        .args(args)
        .output()
        .expect("run smoke")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn empty_database_counts_zero_everywhere() {
    let db = TestDb::migrated().await;
    let out = smoke(&db, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for table in entity::registry::tables() {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().any(|w| w == table.name))
            .unwrap_or_else(|| panic!("{} missing from:\n{text}", table.name));
        assert!(line.contains(" 0  empty"), "{line}");
    }
    let tables = entity::registry::tables().len();
    assert!(
        text.contains(&format!("{tables} tables, 0 failed")),
        "{text}"
    );
}

#[tokio::test]
async fn json_lists_every_registered_table() {
    let db = TestDb::migrated().await;
    let out = smoke(&db, &["--json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let tables: Vec<&str> = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["table"].as_str().unwrap())
        .collect();
    let registered: Vec<&str> = entity::registry::tables().iter().map(|t| t.name).collect();
    assert_eq!(tables, registered);
    assert_eq!(json["ok"], true);
    assert_eq!(json["total_rows"], 0);
}

#[tokio::test]
async fn a_dropped_table_is_reported_on_its_row() {
    let db = TestDb::migrated().await;
    use sea_orm::ConnectionTrait;
    db.conn()
        .execute_unprepared("DROP TABLE metric_events")
        .await
        .unwrap();
    let out = smoke(&db, &[]);
    assert!(!out.status.success(), "must exit non-zero");
    let text = stdout(&out);
    let line = text.lines().find(|l| l.contains("metric_events")).unwrap();
    assert!(
        line.contains("error:") && line.contains("does not exist"),
        "{line}"
    );
    // The other tables are still reported.
    let tables = entity::registry::tables().len();
    assert!(
        text.contains(&format!("{tables} tables, 1 failed")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("campaigns") && l.contains("empty"))
    );
}

#[tokio::test]
async fn expect_seeded_fails_empty_and_passes_seeded() {
    let db = TestDb::migrated().await;
    let out = smoke(&db, &["--expect-seeded"]);
    assert!(
        !out.status.success(),
        "empty database must fail --expect-seeded"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("make seed"));

    seeder::seed(db.conn(), &seeder::SeedOptions::default())
        .await
        .expect("seed");
    let out = smoke(&db, &["--expect-seeded"]);
    assert!(
        out.status.success(),
        "{}{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn json_callers_get_an_error_object_on_failure() {
    testkit::assert_json_error_without_password(env!("CARGO_BIN_EXE_smoke"));
}

#[tokio::test]
async fn an_unmigrated_database_says_which_table_is_missing_and_what_to_run() {
    let db = TestDb::empty().await;
    let out = smoke(&db, &[]);
    assert!(!out.status.success(), "must exit non-zero");
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == "organizations"))
        .unwrap_or_else(|| panic!("organizations row in:\n{text}"));
    assert!(
        line.contains("table organizations does not exist: run `make migrate`"),
        "{line}"
    );
    for internal in ["error returned from database", "Query Error", " at line "] {
        assert!(!text.contains(internal), "{internal:?} in:\n{text}");
    }

    let report = smoke::doctor(Some(db.url()), std::time::Duration::from_secs(10)).await;
    let md = report.to_markdown();
    let connectors = report.check("Connector catalogue").unwrap();
    assert_eq!(
        connectors.summary, "table connectors does not exist: run `make migrate`",
        "{md}"
    );
    for internal in ["error returned from database", "Query Error", " at line "] {
        assert!(!md.contains(internal), "{internal:?} in:\n{md}");
    }
}
