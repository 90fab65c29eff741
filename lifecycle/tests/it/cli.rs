//! The `lifecycle` binary: `purge --dry-run --json` reports per table and deletes nothing,
//! `purge` prints one summary line, an unmigrated database is refused with what to do, and an
//! unreachable server gives `{"error": …}` on stdout without the password.

use std::process::Command;
use testkit::DatabaseUrlArg;
use testkit::TestDb;

fn lifecycle(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lifecycle"))
        .database_url(url)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .env_remove("RETENTION_AUDIT_LOGS")
        .output()
        .expect("run lifecycle");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn purge_reports_and_dry_run_deletes_nothing() {
    let db = TestDb::migrated().await;
    sea_orm::ConnectionTrait::execute_unprepared(
        db.conn(),
        "INSERT INTO metric_events (type, meta, created_at) \
         SELECT 'cli', '{}', now() - interval '2 years' FROM generate_series(1, 3)",
    )
    .await
    .expect("old events");
    let (ok, stdout, stderr) = lifecycle(db.url().as_str(), &["purge", "--dry-run", "--json"]);
    assert!(ok, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["rows"], 3);
    let events = report["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == "metric_events")
        .expect("metric_events");
    assert_eq!(events["window"], "13 months");

    let (ok, stdout, stderr) = lifecycle(db.url().as_str(), &["purge"]);
    assert!(ok, "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("purged 3 rows past their window: metric_events 3 in "),
        "{stdout}"
    );
    let (ok, stdout, _) = lifecycle(db.url().as_str(), &["purge"]);
    assert!(ok);
    assert!(
        stdout.starts_with("purged 0 rows past their window in "),
        "{stdout}"
    );
}

#[tokio::test]
async fn an_unmigrated_database_is_refused_with_what_to_do() {
    let db = TestDb::empty().await;
    let (ok, stdout, stderr) = lifecycle(db.url().as_str(), &["purge"]);
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains("does not exist: run `make migrate`"),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_server_is_a_json_error_without_the_password() {
    let secret = format!("pw{}", std::process::id());
    let (ok, stdout, stderr) = lifecycle(
        &format!("postgres://someone:{secret}@127.0.0.1:9/neonhub"),
        &["--json", "--connect-timeout", "2", "purge"],
    );
    assert!(!ok);
    assert!(!stdout.contains(&secret) && !stderr.contains(&secret));
    let error: serde_json::Value = serde_json::from_str(stdout.trim()).expect("JSON error");
    assert!(
        error["error"]
            .as_str()
            .unwrap_or_default()
            .contains("127.0.0.1:9"),
        "{stdout}"
    );
}
