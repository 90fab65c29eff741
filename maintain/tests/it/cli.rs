//! The `vector-maintain` binary: an unmigrated database is refused with what to do, a migrated
//! one with nothing to index exits 0, and `--dry-run --json` prints the plan.

use std::process::Command;
use testkit::TestDb;

fn vector_maintain(db: &TestDb, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vector-maintain"))
        .arg("--database-url")
        .arg(db.url().as_str())
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
async fn unmigrated_database_is_refused_with_what_to_do() {
    let db = TestDb::empty().await;
    let (ok, text) = vector_maintain(&db, &[]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("does not exist: migrate the database first (`make migrate`)"),
        "{text}"
    );
}

#[tokio::test]
async fn migrated_database_needs_nothing_and_the_plan_is_json() {
    let db = TestDb::migrated().await;
    let (ok, text) = vector_maintain(&db, &[]);
    assert!(ok, "{text}");
    assert!(
        text.contains("0 action(s) done, 0 index(es) kept"),
        "{text}"
    );
    let (ok, text) = vector_maintain(&db, &["--dry-run", "--json", "--index-above", "10"]);
    assert!(ok, "{text}");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["plan"]["policy"]["index_above"], 10);
    assert_eq!(report["plan"]["actions"].as_array().map(Vec::len), Some(0));
    let (ok, text) = vector_maintain(&db, &["--keep-above", "99999"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("keep_above (99999) must not exceed index_above"),
        "{text}"
    );
}

#[test]
fn errors_never_print_the_password_and_json_callers_get_an_error_object() {
    testkit::assert_json_error_without_password(env!("CARGO_BIN_EXE_vector-maintain"));
}
