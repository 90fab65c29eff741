//! Carrying out a plan: `CREATE INDEX CONCURRENTLY` / `DROP INDEX CONCURRENTLY` on one
//! connection, never blocking writes.

use crate::MaintainError;
use crate::plan::{Action, MERGE_BATCH, Plan, count_sql, merge_sql};
use entity::search::tenant_index::PARALLEL_BUILD_SETTING;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};
use serde::Serialize;
use std::time::{Duration, Instant};

/// Session settings of [`apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOptions {
    /// `lock_timeout` of each statement. `CREATE INDEX CONCURRENTLY` waits for the
    /// transactions that were writing the table when it started; past this it fails, and the
    /// next run rebuilds the INVALID index it leaves.
    pub lock_timeout: Duration,
    /// The most `maintenance_work_mem` a build may take (the server's setting when `None`).
    /// Each build asks for what its tenant's rows need ([`build_memory`]), at most this: an
    /// HNSW build that fits in it is much faster, and a parallel one reserves all of it as
    /// shared memory when it starts.
    pub maintenance_work_mem: Option<String>,
    /// Parallel workers each build may use beside its own backend, at most (the server's
    /// `max_parallel_maintenance_workers` when `None`); 0 builds serially. Postgres sizes a
    /// build's workers by the table's main heap, which holds none of the vectors (they live in
    /// its TOAST table), so without [`PARALLEL_BUILD_SETTING`] every tenant build ran on one core.
    pub parallel_workers: Option<u32>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            lock_timeout: Duration::from_secs(60),
            maintenance_work_mem: None,
            parallel_workers: None,
        }
    }
}

/// Bytes of `maintenance_work_mem` a build asks for per row of its tenant: twice what
/// pgvector's in-memory graph holds per element of 1,536 dimensions in single precision (the
/// vector, 6 KB, and its neighbour lists, about 0.6 KB with m = 16), so the graph never spills
/// to disk midway (half precision needs half of it).
pub const BUILD_BYTES_PER_ROW: u64 = 8 * 1024;

/// The least `maintenance_work_mem` a build asks for: Postgres gives a build one parallel
/// worker per 32 MB beyond the first 32 MB, so 128 MB keeps two workers for small tenants.
pub const BUILD_MEMORY_FLOOR: u64 = 128 * 1024 * 1024;

/// The `maintenance_work_mem`, in bytes, of the build of an index over `rows` rows when the run
/// may take at most `ceiling` bytes: [`BUILD_BYTES_PER_ROW`] per row, at least
/// [`BUILD_MEMORY_FLOOR`], at most `ceiling`. A parallel build reserves all of its
/// `maintenance_work_mem` in shared memory up front: sized to the tenant, a 1,000-row build
/// reserves 128 MB, not the gigabytes the largest tenant needs.
pub fn build_memory(rows: u64, ceiling: u64) -> u64 {
    rows.saturating_mul(BUILD_BYTES_PER_ROW)
        .max(BUILD_MEMORY_FLOOR)
        .min(ceiling)
}

/// An action carried out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Done {
    /// The action.
    #[serde(flatten)]
    pub action: Action,
    /// Seconds it took.
    pub seconds: f64,
}

/// Run the actions of `plan` on `db`, which must be a pool of exactly one connection (the
/// session settings and the statements must share it; `CREATE INDEX CONCURRENTLY` cannot run
/// in a transaction). `on_done` hears of each action as it finishes.
pub async fn apply(
    db: &DatabaseConnection,
    plan: &Plan,
    options: &ApplyOptions,
    mut on_done: impl FnMut(&Done),
) -> Result<Vec<Done>, MaintainError> {
    let mut session = vec![
        format!(
            "SET lock_timeout = '{}ms'",
            options.lock_timeout.as_millis()
        ),
        "SET statement_timeout = 0".to_owned(),
    ];
    if let Some(mem) = &options.maintenance_work_mem {
        session.push(format!(
            "SET maintenance_work_mem = '{}'",
            mem.replace('\'', "")
        ));
    }
    match options.parallel_workers {
        Some(0) => session.push("SET max_parallel_maintenance_workers = 0".to_owned()),
        Some(workers) => session.extend([
            format!("SET max_parallel_maintenance_workers = {workers}"),
            format!("SET {PARALLEL_BUILD_SETTING}"),
        ]),
        None => session.push(format!("SET {PARALLEL_BUILD_SETTING}")),
    }
    for sql in &session {
        execute(db, sql).await?;
    }
    let ceiling = memory_ceiling(db).await?;
    let mut done = Vec::with_capacity(plan.actions.len());
    for action in &plan.actions {
        let started = Instant::now();
        let failed = |error| MaintainError::Action {
            action: action.to_string(),
            error,
        };
        let action = match action {
            Action::Merge { table, rows } => {
                let merged = merge(db, table, *rows).await.map_err(failed)?;
                Action::Merge {
                    table: table.clone(),
                    rows: merged,
                }
            }
            _ => {
                if let Action::Create { rows, .. } | Action::Rebuild { rows, .. } = action {
                    let kb = build_memory(*rows, ceiling) / 1024;
                    execute(db, &format!("SET maintenance_work_mem = '{kb}kB'")).await?;
                }
                for sql in action.statements() {
                    db.execute_unprepared(&sql).await.map_err(failed)?;
                }
                action.clone()
            }
        };
        let finished = Done {
            action,
            seconds: started.elapsed().as_secs_f64(),
        };
        on_done(&finished);
        done.push(finished);
    }
    Ok(done)
}

/// Run one session statement of [`apply`].
async fn execute(db: &DatabaseConnection, sql: &str) -> Result<(), MaintainError> {
    db.execute_unprepared(sql)
        .await
        .map(|_| ())
        .map_err(|error| MaintainError::Action {
            action: sql.to_owned(),
            error,
        })
}

/// The session's `maintenance_work_mem` in bytes: the most a build of this run may take.
async fn memory_ceiling(db: &DatabaseConnection) -> Result<u64, MaintainError> {
    let sql = "SELECT pg_size_bytes(current_setting('maintenance_work_mem')) AS bytes";
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .and_then(|row| {
            row.ok_or_else(|| DbErr::RecordNotFound(sql.to_owned()))?
                .try_get::<i64>("", "bytes")
        })
        .map_err(|error| MaintainError::Action {
            action: sql.to_owned(),
            error,
        })?;
    Ok(u64::try_from(row).unwrap_or(0))
}

/// Merge the waiting rows of `table` into its graph, [`MERGE_BATCH`] rows per transaction,
/// until a batch comes back short or the `planned` rows are done (rows inserted meanwhile are
/// left to the next run, so a run under a steady stream of inserts still ends), then count the
/// graphs again when any row was merged ([`count_sql`]). Returns the rows merged.
async fn merge(db: &DatabaseConnection, table: &str, planned: u64) -> Result<u64, sea_orm::DbErr> {
    let sql = merge_sql(table, MERGE_BATCH);
    let mut merged = 0;
    loop {
        let batch = db.execute_unprepared(&sql).await?.rows_affected();
        merged += batch;
        if batch < MERGE_BATCH || merged >= planned {
            if merged > 0 {
                db.execute_unprepared(&count_sql(table)).await?;
            }
            return Ok(merged);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1024 * 1024 * 1024;

    #[test]
    fn a_build_asks_for_what_its_rows_need_within_the_ceiling() {
        // A small tenant gets the floor (two parallel workers need 3 × 32 MB), not the ceiling
        // a parallel build would reserve in shared memory.
        assert_eq!(build_memory(1_001, 6 * GB), BUILD_MEMORY_FLOOR);
        // The largest tenant of the scale data (300,000 rows) fits in memory.
        assert_eq!(build_memory(300_000, 6 * GB), 300_000 * BUILD_BYTES_PER_ROW);
        // Never above the ceiling, even below the floor (the server's 64 MB default).
        assert_eq!(build_memory(10_000_000, 6 * GB), 6 * GB);
        assert_eq!(build_memory(1_001, 64 * 1024 * 1024), 64 * 1024 * 1024);
        assert_eq!(build_memory(u64::MAX, 6 * GB), 6 * GB);
    }
}
