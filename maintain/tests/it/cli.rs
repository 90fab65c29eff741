//! The `vector-maintain` binary: an unmigrated database is refused with what to do, a migrated
//! one with nothing to index exits 0, `--dry-run --json` prints the plan, and a build gets the
//! parallel workers the server allows unless `--parallel-workers 0` says none.

use crate::vector_maintain::load_tenants;
use entity::search::tenant_index;
use std::process::Command;
use std::time::Duration;
use testkit::DatabaseUrlArg;
use testkit::TestDb;

fn vector_maintain(db: &TestDb, args: &[&str]) -> (bool, String) {
    vector_maintain_at(db.url().as_str(), args)
}

fn vector_maintain_at(url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vector-maintain"))
        .database_url(url)
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

/// The index builds of this database running now, and their parallel workers.
const BUILDS_AND_WORKERS: &str = "WITH builds AS (SELECT pid FROM pg_stat_activity \
     WHERE datname = current_database() AND backend_type = 'client backend' \
       AND state = 'active' AND query LIKE 'CREATE INDEX CONCURRENTLY%') \
     SELECT (SELECT count(*) FROM builds) AS builds, \
            (SELECT count(*) FROM pg_stat_activity \
             WHERE backend_type = 'parallel worker' \
               AND leader_pid IN (SELECT pid FROM builds)) AS workers";

/// Run `vector-maintain` with `args` while another connection watches `pg_stat_activity`:
/// (its success and output, whether a build was seen running, the most parallel workers seen
/// at once under a build).
async fn watched_run(db: &TestDb, args: &'static [&'static str]) -> ((bool, String), bool, i64) {
    let url = db.url().as_str().to_owned();
    let run = tokio::task::spawn_blocking(move || vector_maintain_at(&url, args));
    let (mut seen, mut workers) = (false, 0);
    while !run.is_finished() {
        let row = sea_orm::ConnectionTrait::query_one_raw(
            db.conn(),
            sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, BUILDS_AND_WORKERS),
        )
        .await
        .unwrap()
        .unwrap();
        seen |= row.try_get::<i64>("", "builds").unwrap() > 0;
        workers = workers.max(row.try_get::<i64>("", "workers").unwrap());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    (run.await.unwrap(), seen, workers)
}

#[tokio::test]
async fn a_build_gets_parallel_workers_unless_parallel_workers_is_0() {
    let db = TestDb::migrated().await;
    // One tenant of 2,700 chunks (above the default threshold of 1,000): its build lasts long
    // enough to be watched. The table's main heap is a few dozen pages, far below
    // min_parallel_table_scan_size: without the maintainer's setting Postgres would ask for no
    // worker.
    let plan = load_tenants(&db, &[0.9, 0.1], 3_000, 20, 9).await;
    let index = tenant_index::index_name("chunks", plan.tenants()[0].id);

    let ((ok, text), seen, workers) = watched_run(&db, &["--parallel-workers", "0"]).await;
    assert!(ok && text.contains("1 action(s) done"), "{text}");
    assert!(seen, "the serial build was never seen running");
    assert_eq!(workers, 0, "--parallel-workers 0 builds serially");

    sea_orm::ConnectionTrait::execute_unprepared(db.conn(), &format!("DROP INDEX {index}"))
        .await
        .unwrap();
    let ((ok, text), seen, workers) = watched_run(&db, &[]).await;
    assert!(ok && text.contains("1 action(s) done"), "{text}");
    assert!(seen, "the parallel build was never seen running");
    assert!(
        workers >= 1,
        "the build ran without the parallel workers max_parallel_maintenance_workers allows"
    );
}
