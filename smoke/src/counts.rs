//! Row counts of every registered table.

use entity::registry;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::Serialize;
use std::fmt::Write as _;

/// The count of one table, or why it could not be counted.
#[derive(Debug, Clone, Serialize)]
pub struct TableCount {
    /// Domain of the table (the schema spec's section).
    pub domain: &'static str,
    /// Table name.
    pub table: &'static str,
    /// Rows, when the count succeeded.
    pub rows: Option<i64>,
    /// The error, redacted, when it did not.
    pub error: Option<String>,
}

impl TableCount {
    /// `ok`, `empty` or `error`.
    pub fn status(&self) -> &'static str {
        match (self.rows, &self.error) {
            (_, Some(_)) => "error",
            (Some(0), None) => "empty",
            _ => "ok",
        }
    }
}

async fn count_one(db: DatabaseConnection, table: &'static str) -> Result<i64, String> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT count(*) AS n FROM \"{table}\""),
        ))
        .await
        .map_err(|e| neonhub_db::describe(&e))?
        .ok_or_else(|| "count returned no row".to_owned())?;
    row.try_get("", "n").map_err(|e| neonhub_db::describe(&e))
}

/// Count the rows of every table in the entity registry, concurrently (as many at once as the
/// pool of `db` allows), in registry order (by domain).
pub async fn count_tables(db: &DatabaseConnection) -> Vec<TableCount> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, info) in registry::tables().iter().enumerate() {
        let db = db.clone();
        tasks.spawn(async move { (i, count_one(db, info.name).await) });
    }
    let mut results: Vec<(usize, Result<i64, String>)> = tasks.join_all().await;
    results.sort_by_key(|(i, _)| *i);
    results
        .into_iter()
        .map(|(i, result)| {
            let info = &registry::tables()[i];
            let (rows, error) = match result {
                Ok(n) => (Some(n), None),
                Err(e) => (None, Some(e)),
            };
            TableCount {
                domain: info.domain,
                table: info.name,
                rows,
                error,
            }
        })
        .collect()
}

/// An aligned text table (domain, table, rows, status) with a total line.
pub fn render_counts(counts: &[TableCount]) -> String {
    let dw = counts
        .iter()
        .map(|c| c.domain.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let tw = counts
        .iter()
        .map(|c| c.table.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:dw$}  {:tw$}  {:>9}  status",
        "domain", "table", "rows"
    );
    let _ = writeln!(
        out,
        "{}  {}  {}  ------",
        "-".repeat(dw),
        "-".repeat(tw),
        "-".repeat(9)
    );
    for c in counts {
        let rows = c.rows.map_or_else(|| "-".to_owned(), |n| n.to_string());
        let status = match &c.error {
            Some(e) => format!("error: {e}"),
            None => c.status().to_owned(),
        };
        let _ = writeln!(
            out,
            "{:dw$}  {:tw$}  {rows:>9}  {status}",
            c.domain, c.table
        );
    }
    let total: i64 = counts.iter().filter_map(|c| c.rows).sum();
    let failed = counts.iter().filter(|c| c.error.is_some()).count();
    let _ = writeln!(
        out,
        "{:dw$}  {:tw$}  {total:>9}  {} tables, {failed} failed",
        "total",
        "",
        counts.len()
    );
    out
}
