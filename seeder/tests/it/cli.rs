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

/// `seeder ticket-keys` installs NEONHUB_TICKET_KEYS, retires the keys no longer listed, and
/// says what to set when the variable is missing (never printing a key).
#[tokio::test]
async fn ticket_keys_are_installed_and_rotated() {
    use testkit::DatabaseUrlArg;
    let db = TestDb::migrated().await;
    let run = |spec: Option<String>| {
        let url = db.url().as_str().to_owned();
        async move {
            let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_seeder"));
            command
                .database_url(&url)
                .args(["ticket-keys", "--json"])
                .env_remove("DATABASE_URL")
                .env_remove("NEONHUB_TICKET_KEYS")
                // No .env above the folder: the variable comes from the environment or nowhere.
                .current_dir(std::env::temp_dir());
            if let Some(spec) = spec {
                command.env("NEONHUB_TICKET_KEYS", spec);
            }
            command.output().await.expect("run the seeder binary")
        }
    };
    let first = entity::tenant::TicketKey::generate("k1").unwrap();
    let second = entity::tenant::TicketKey::generate("k2").unwrap();
    let out = run(Some(first.to_spec().to_string())).await;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["installed"], serde_json::json!(["k1"]));
    let both = format!("{},{}", &*second.to_spec(), &*first.to_spec());
    let out = run(Some(both)).await;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["signing"], "k2");
    assert_eq!(report["retired"], serde_json::json!([]));
    let out = run(Some(second.to_spec().to_string())).await;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["retired"], serde_json::json!(["k1"]));
    let out = run(None).await;
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(err.contains("NEONHUB_TICKET_KEYS is not set"), "{err}");
    for key in [&first, &second] {
        let spec = key.to_spec();
        let secret = spec.split_once(':').unwrap().1;
        for text in [common::stdout(&out), err.clone()] {
            assert!(!text.contains(secret));
        }
    }
}
