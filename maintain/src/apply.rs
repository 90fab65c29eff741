//! Carrying out a plan: `CREATE INDEX CONCURRENTLY` / `DROP INDEX CONCURRENTLY`, never
//! blocking writes, and the merges of waiting rows in short transactions.
//!
//! No `SET` is ever sent outside a transaction (through a transaction pooler it would land on
//! one server connection, the statements on others, and stay there for another client). An
//! index action, which cannot run in a transaction, runs on a session of its own whose settings
//! (lock timeout, no statement timeout, the build's memory and parallel workers) travel in the
//! startup packet ([`neonhub_db::connect_tool_session`]) and end with that session; a merge
//! batch is a transaction that sets its limits with `SET LOCAL`. Through a pooler (a URL that
//! looks pooled, or one whose pooler refuses the settings) the index sessions get no settings:
//! the builds then run with the server's defaults.

use crate::MaintainError;
use crate::plan::{Action, MERGE_BATCH, Plan, count_sql, merge_sql};
use entity::search::tenant_index::PARALLEL_BUILD_SETTING;
use neonhub_db::DatabaseUrl;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait};
use serde::Serialize;
use std::time::{Duration, Instant};

/// Where the index actions run: sessions opened to `url` for one action each.
#[derive(Debug, Clone)]
pub struct BuildTarget<'a> {
    /// The database (the writer's URL).
    pub url: &'a DatabaseUrl,
    /// Time allowed to open a session.
    pub connect_timeout: Duration,
}

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

/// End the builds of `index` still running in other sessions. This run holds the
/// `vector_maintain` lock, so such a build belongs to a run that died: its server session can
/// outlive it (a server notices a vanished client only when it next writes to it, and a pooler
/// that closes its server connection is noticed no sooner), and the drop of its INVALID index
/// would deadlock with it. Each is ended with `pg_terminate_backend` (waiting up to 10 s), and
/// said on stderr.
async fn end_orphaned_builds(db: &DatabaseConnection, index: &str) -> Result<(), DbErr> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pid, pg_terminate_backend(pid, 10000) AS ended FROM pg_stat_activity \
              WHERE datname = current_database() AND pid <> pg_backend_pid() \
                AND state = 'active' AND query ILIKE 'CREATE%INDEX CONCURRENTLY%' \
                AND strpos(query, $1) > 0",
            [index.into()],
        ))
        .await?;
    for row in rows {
        let pid: i32 = row.try_get("", "pid")?;
        let ended: bool = row.try_get("", "ended")?;
        eprintln!(
            "warning: vector-maintain: the build of {index} by pid {pid} outlived the run that \
             started it: {}",
            if ended {
                "ended"
            } else {
                "could not be ended within 10 s"
            }
        );
    }
    Ok(())
}

/// Run the actions of `plan`: merges on `db`, index actions each on a session of its own to
/// `target` (see the module's header). `on_done` hears of each action as it finishes.
pub async fn apply(
    db: &DatabaseConnection,
    target: &BuildTarget<'_>,
    plan: &Plan,
    options: &ApplyOptions,
    mut on_done: impl FnMut(&Done),
) -> Result<Vec<Done>, MaintainError> {
    let ceiling = memory_ceiling(db, options).await?;
    let mut done = Vec::with_capacity(plan.actions.len());
    for action in &plan.actions {
        let started = Instant::now();
        let failed = |error| MaintainError::Action {
            action: action.to_string(),
            error,
        };
        let action = match action {
            Action::Merge { table, rows } => {
                let merged = merge(db, table, *rows, options).await.map_err(failed)?;
                Action::Merge {
                    table: table.clone(),
                    rows: merged,
                }
            }
            _ => {
                end_orphaned_builds(db, &action.index())
                    .await
                    .map_err(failed)?;
                let settings = session_settings(action, options, ceiling);
                let (session, _) = neonhub_db::connect_tool_session(
                    target.url,
                    target.connect_timeout,
                    &settings,
                    "vector-maintain",
                )
                .await?;
                let mut result = Ok(());
                for sql in action.statements() {
                    result = session.execute_unprepared(&sql).await.map(|_| ());
                    if result.is_err() {
                        break;
                    }
                }
                session.close().await.ok();
                result.map_err(failed)?;
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

/// The settings of an index action's session: the lock timeout, no statement timeout, the
/// parallel workers asked for, and for a build the memory its rows need ([`build_memory`]).
pub fn session_settings(
    action: &Action,
    options: &ApplyOptions,
    ceiling: u64,
) -> Vec<(&'static str, String)> {
    let mut settings = vec![
        (
            "lock_timeout",
            format!("{}ms", options.lock_timeout.as_millis()),
        ),
        ("statement_timeout", "0".to_owned()),
    ];
    if let Action::Create { rows, .. } | Action::Rebuild { rows, .. } = action {
        settings.push((
            "maintenance_work_mem",
            format!("{}kB", build_memory(*rows, ceiling) / 1024),
        ));
    }
    let parallel = PARALLEL_BUILD_SETTING
        .split_once('=')
        .map(|(name, value)| (name.trim(), value.trim().to_owned()));
    match options.parallel_workers {
        Some(0) => settings.push(("max_parallel_maintenance_workers", "0".to_owned())),
        Some(workers) => {
            settings.push(("max_parallel_maintenance_workers", workers.to_string()));
            settings.extend(parallel);
        }
        None => settings.extend(parallel),
    }
    settings
}

/// The most `maintenance_work_mem` a build of this run may take, in bytes: the option, else
/// the server's setting.
async fn memory_ceiling(
    db: &DatabaseConnection,
    options: &ApplyOptions,
) -> Result<u64, MaintainError> {
    let sql =
        "SELECT pg_size_bytes(coalesce($1, current_setting('maintenance_work_mem'))) AS bytes";
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [options.maintenance_work_mem.clone().into()],
        ))
        .await
        .and_then(|row| {
            row.ok_or_else(|| DbErr::RecordNotFound(sql.to_owned()))?
                .try_get::<i64>("", "bytes")
        })
        .map_err(|error| MaintainError::Action {
            action: format!(
                "reading maintenance_work_mem ({})",
                options
                    .maintenance_work_mem
                    .as_deref()
                    .unwrap_or("the server's")
            ),
            error,
        })?;
    Ok(u64::try_from(row).unwrap_or(0))
}

/// Run `sql` in a transaction of its own with the run's lock timeout and no statement timeout
/// (`SET LOCAL`: they end with it). Returns the rows it affected.
async fn limited(db: &DatabaseConnection, sql: &str, options: &ApplyOptions) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    txn.execute_unprepared(&format!(
        "SET LOCAL lock_timeout = '{}ms'; SET LOCAL statement_timeout = 0",
        options.lock_timeout.as_millis()
    ))
    .await?;
    let rows = txn.execute_unprepared(sql).await?.rows_affected();
    txn.commit().await?;
    Ok(rows)
}

/// Merge the waiting rows of `table` into its graph, [`MERGE_BATCH`] rows per transaction,
/// until a batch comes back short or the `planned` rows are done (rows inserted meanwhile are
/// left to the next run, so a run under a steady stream of inserts still ends), then count the
/// graphs again when any row was merged ([`count_sql`]). Returns the rows merged.
async fn merge(
    db: &DatabaseConnection,
    table: &str,
    planned: u64,
    options: &ApplyOptions,
) -> Result<u64, sea_orm::DbErr> {
    let sql = merge_sql(table, MERGE_BATCH);
    let mut merged = 0;
    loop {
        let batch = limited(db, &sql, options).await?;
        merged += batch;
        if batch < MERGE_BATCH || merged >= planned {
            if merged > 0 {
                limited(db, &count_sql(table), options).await?;
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
