//! Helpers shared by the seeder's integration tests: whole-database snapshots and running the
//! built binary.
#![allow(dead_code)] // each test binary uses its own subset

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::collections::BTreeMap;
use std::process::Output;
use testkit::DatabaseUrlArg;

/// For every table of the schema: (row count, md5 of all rows in a stable order). Every column
/// takes part, timestamps included, so any write shows.
pub async fn snapshot(conn: &DatabaseConnection) -> BTreeMap<&'static str, (i64, String)> {
    let mut out = BTreeMap::new();
    for table in entity::registry::tables() {
        let row = conn
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM {} t",
                    table.name
                ),
            ))
            .await
            .unwrap()
            .unwrap();
        out.insert(
            table.name,
            (
                row.try_get("", "n").unwrap(),
                row.try_get("", "sum").unwrap(),
            ),
        );
    }
    out
}

/// Row count of every table of the schema.
pub async fn counts(conn: &DatabaseConnection) -> BTreeMap<&'static str, i64> {
    snapshot(conn)
        .await
        .into_iter()
        .map(|(t, (n, _))| (t, n))
        .collect()
}

/// Run the built `seeder` binary against `url` with `args`.
pub async fn run_seeder(url: &str, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_seeder"))
        .database_url(url)
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .await
        .expect("run the seeder binary")
}

/// Stdout of a run, as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr of a run, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
