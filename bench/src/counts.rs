//! Figure 7: `smoke::count_tables` (one count per table, concurrently over the pool, as
//! `make smoke` runs it) vs one statement counting every table.

use crate::BenchError;
use crate::stats::Latency;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Figure 7.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmokeResult {
    /// Tables counted.
    pub tables: usize,
    /// Rows counted, all tables.
    pub total_rows: i64,
    /// `smoke::count_tables`, per run.
    pub smoke: Latency,
    /// The one statement, per run.
    pub one_statement: Latency,
    /// Whether both gave the same counts.
    pub equal: bool,
}

/// `SELECT (SELECT count(*) FROM "t1") AS "t1", ...` over every table of the entity registry.
pub fn one_statement_sql() -> String {
    let columns: Vec<String> = entity::registry::tables()
        .iter()
        .map(|t| format!("(SELECT count(*) FROM \"{0}\") AS \"{0}\"", t.name))
        .collect();
    format!("SELECT {}", columns.join(", "))
}

/// Counts of every registry table with one statement, in registry order.
pub async fn count_in_one_statement(db: &DatabaseConnection) -> Result<Vec<i64>, BenchError> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            one_statement_sql(),
        ))
        .await?
        .ok_or_else(|| BenchError::Check("the counting statement returned no row".into()))?;
    entity::registry::tables()
        .iter()
        .map(|t| Ok(row.try_get::<i64>("", t.name)?))
        .collect()
}

/// Figure 7: `repeats` runs of each (after one unmeasured run of each), alternating which goes
/// first.
pub async fn measure(db: &DatabaseConnection, repeats: usize) -> Result<SmokeResult, BenchError> {
    let mut smoke_seconds = Vec::new();
    let mut one_seconds = Vec::new();
    let mut equal = true;
    let mut total_rows = 0;
    for run in 0..=repeats.max(1) {
        for turn in 0..2 {
            let started = Instant::now();
            if (run + turn) % 2 == 0 {
                let counts = smoke::count_tables(db).await;
                let seconds = started.elapsed().as_secs_f64();
                if let Some(failed) = counts.iter().find(|c| c.error.is_some()) {
                    return Err(BenchError::Check(format!(
                        "smoke could not count {}: {:?}",
                        failed.table, failed.error
                    )));
                }
                let by_smoke: Vec<i64> = counts.iter().map(|c| c.rows.unwrap_or(-1)).collect();
                let by_one = count_in_one_statement(db).await?;
                equal &= by_smoke == by_one;
                total_rows = by_one.iter().sum();
                if run > 0 {
                    smoke_seconds.push(seconds);
                }
            } else {
                count_in_one_statement(db).await?;
                if run > 0 {
                    one_seconds.push(started.elapsed().as_secs_f64());
                }
            }
        }
    }
    Ok(SmokeResult {
        tables: entity::registry::tables().len(),
        total_rows,
        smoke: Latency::of(&smoke_seconds),
        one_statement: Latency::of(&one_seconds),
        equal,
    })
}
