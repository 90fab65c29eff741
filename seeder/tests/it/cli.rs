//! The binary's output: a per-table summary for people, JSON that parses for machines, a dry
//! run that says so and writes nothing.

use crate::common;

use seeder::{SeedReport, seeded_tables};
use testkit::TestDb;

#[tokio::test]
async fn json_output_parses_and_second_run_reports_zero_created() {
    let db = TestDb::migrated().await;
    let url = db.url().as_str();

    let out = common::run_seeder(url, &["--json"]).await;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let first: SeedReport = serde_json::from_slice(&out.stdout).expect("--json parses");
    assert!(!first.dry_run);
    let tables: Vec<&str> = first.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(tables, seeded_tables());
    assert_eq!(
        first.created,
        first.tables.iter().map(|t| t.created).sum::<u64>()
    );
    let raw: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "created",
        "updated",
        "unchanged",
        "elapsed_ms",
        "tables",
        "dry_run",
    ] {
        assert!(raw.get(key).is_some(), "{key} in {raw}");
    }

    let out = common::run_seeder(url, &["--json"]).await;
    let second: SeedReport = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((second.created, second.updated), (0, 0));
    assert_eq!(second.unchanged, first.created);
}

#[tokio::test]
async fn human_output_is_a_table_with_a_summary() {
    let db = TestDb::migrated().await;
    let url = db.url().as_str();
    let out = common::run_seeder(url, &[]).await;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    let header = text.lines().next().unwrap();
    for column in ["table", "created", "updated", "unchanged"] {
        assert!(header.contains(column), "{header}");
    }
    for table in seeded_tables() {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().next() == Some(table)),
            "{table} row in:\n{text}"
        );
    }
    let summary = text.lines().last().unwrap();
    assert!(
        summary.starts_with("seeded ") && summary.contains(" created, "),
        "{summary}"
    );

    let again = common::stdout(&common::run_seeder(url, &[]).await);
    assert!(
        again
            .lines()
            .last()
            .unwrap()
            .contains(": 0 created, 0 updated, "),
        "{again}"
    );
}

#[tokio::test]
async fn dry_run_says_so_and_writes_nothing() {
    let db = TestDb::migrated().await;
    let before = common::snapshot(db.conn()).await;
    let out = common::run_seeder(db.url().as_str(), &["--dry-run"]).await;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert!(
        text.lines().next().unwrap().contains("would create"),
        "{text}"
    );
    assert!(text.contains("rolled back, nothing written"), "{text}");
    assert_eq!(common::snapshot(db.conn()).await, before);

    let out = common::run_seeder(db.url().as_str(), &["--dry-run", "--json"]).await;
    let report: SeedReport = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.dry_run && report.created > 0);
    assert_eq!(common::snapshot(db.conn()).await, before);
}
