//! The retention purge: rows past their window are deleted oldest first, in batches.
//!
//! Every cutoff is computed once, by the database's clock, when the run starts, so a run that
//! takes an hour deletes what was past the window when it began, and a rerun after an
//! interruption ends in the same state. Each batch is one short transaction (`lock_timeout`,
//! `statement_timeout`), at most `batch_rows` rows chosen through the index on the rule's date
//! column, with a pause between batches: a purge of millions of rows never holds long locks,
//! never grows one huge transaction, and leaves room to vacuum. A batch that waits too long for
//! a lock is retried after a pause, a few times.
//!
//! Two purges never run at once: a run that deletes holds the `purge` tool lock
//! ([`LOCK`]: table `neonhub_locks.purge`, held by an open transaction on a connection of its
//! own, out of the application login's reach) from before it computes its cutoffs until its
//! audit entry is written; a second run waits for it, then finds nothing left to delete.

use crate::policy::{Policy, Rule};
use neonhub_db::{DbError, ToolLock, ToolLockName};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait, Value,
};
use serde::Serialize;
use std::time::{Duration, Instant};

/// The tool lock that serialises purges.
pub const LOCK: ToolLockName = ToolLockName::Purge;

/// How a purge runs.
#[derive(Debug, Clone)]
pub struct PurgeOptions {
    /// Rows per batch (one transaction).
    pub batch_rows: u32,
    /// Pause between batches.
    pub pause: Duration,
    /// How long a batch may wait for a row or table lock.
    pub lock_timeout: Duration,
    /// Stop after this many batches in all (an interrupted run, for tests and cautious
    /// first runs); `None`: until done.
    pub max_batches: Option<u64>,
    /// Count what would be deleted, delete nothing.
    pub dry_run: bool,
    /// How long to wait for the purge lock held by another run (`Duration::MAX`: without end).
    pub lock_wait: Duration,
}

impl Default for PurgeOptions {
    fn default() -> Self {
        Self {
            batch_rows: 5_000,
            pause: Duration::from_millis(20),
            lock_timeout: Duration::from_secs(2),
            max_batches: None,
            dry_run: false,
            lock_wait: Duration::from_secs(600),
        }
    }
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    /// The plumbing said no (a read replica, say).
    #[error(transparent)]
    Db(#[from] DbError),
    /// A window is shorter than its rule's minimum or not an interval.
    #[error("retention window for {table}: {reason}")]
    Window {
        /// The table.
        table: String,
        /// Why.
        reason: String,
    },
    /// A statement failed.
    #[error("purging {table}: {}", neonhub_db::describe(.error))]
    Statement {
        /// The table.
        table: String,
        /// The database error.
        error: DbErr,
    },
}

/// One table's part of the run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TablePurge {
    /// The table.
    pub table: String,
    /// The window applied (`keep`, or `per user (<column>)`).
    pub window: String,
    /// Rows older than this were past the window (the run's start minus `keep`; for per-user
    /// rules, the run's start).
    pub cutoff: String,
    /// Rows deleted (dry run: rows that would be).
    pub rows: u64,
    /// Batches run.
    pub batches: u64,
    /// Seconds spent.
    pub seconds: f64,
}

/// The run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PurgeReport {
    /// Per table, in policy order.
    pub tables: Vec<TablePurge>,
    /// Rows deleted in all.
    pub rows: u64,
    /// Seconds in all.
    pub seconds: f64,
    /// Stopped by `max_batches` before the end.
    pub interrupted: bool,
    /// Nothing was deleted.
    pub dry_run: bool,
}

impl PurgeReport {
    /// One line for people and logs.
    pub fn summary(&self) -> String {
        let tables = self
            .tables
            .iter()
            .filter(|t| t.rows > 0)
            .map(|t| format!("{} {}", t.table, t.rows))
            .collect::<Vec<_>>();
        format!(
            "{} {} rows past their window{}{} in {:.1}s{}",
            if self.dry_run {
                "would purge"
            } else {
                "purged"
            },
            self.rows,
            if tables.is_empty() { "" } else { ": " },
            tables.join(", "),
            self.seconds,
            if self.interrupted {
                " (stopped early by --max-batches: run it again to finish)"
            } else {
                ""
            }
        )
    }
}

/// The rows of `rule` past the window (`$1`: the cutoff), oldest first: their `ctid`s.
fn past_window(rule: &Rule) -> String {
    let (t, c) = (&rule.table, &rule.column);
    match (&rule.keep_per_user, rule.default_days) {
        (Some(user), Some(days)) => format!(
            "SELECT d.ctid FROM {t} d LEFT JOIN user_settings s ON s.user_id = d.{user} \
             WHERE d.{c} < $1::timestamptz \
                   - make_interval(days => coalesce(s.data_retention_days, {days})) \
             ORDER BY d.{c}"
        ),
        _ => format!("SELECT ctid FROM {t} WHERE {c} < $1::timestamptz ORDER BY {c}"),
    }
}

fn delete_sql(rule: &Rule) -> String {
    if rule.privileged {
        format!(
            "SELECT {}_purge($1::timestamptz, $2::integer) AS deleted",
            rule.table
        )
    } else {
        format!(
            "WITH gone AS (DELETE FROM {t} WHERE ctid = ANY (ARRAY({select} LIMIT $2)) \
             RETURNING 1) SELECT count(*) AS deleted FROM gone",
            t = rule.table,
            select = past_window(rule)
        )
    }
}

fn count_sql(rule: &Rule) -> String {
    format!("SELECT count(*) AS n FROM ({}) past", past_window(rule))
}

async fn one<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<Value>) -> Result<i64, DbErr> {
    db.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .await?
    .ok_or_else(|| DbErr::Custom(format!("no row from {sql}")))?
    .try_get_by_index::<i64>(0)
}

/// The run's start by the database's clock, and per rule its cutoff as text (timestamptz).
async fn cutoffs(
    db: &DatabaseConnection,
    policy: &Policy,
) -> Result<Vec<(String, String)>, PurgeError> {
    let mut out = Vec::new();
    for rule in &policy.rules {
        let window_error = |reason: String| PurgeError::Window {
            table: rule.table.clone(),
            reason,
        };
        let (window, keep) = match rule.keep_here() {
            Some(keep) => (keep.clone(), keep),
            None => (
                format!(
                    "per user ({}: user_settings.data_retention_days)",
                    rule.keep_per_user.as_deref().unwrap_or("?")
                ),
                "0 days".to_owned(),
            ),
        };
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT (now() - $1::interval)::text AS cutoff, \
                        ($2::text IS NULL OR $1::interval >= $2::interval) AS long_enough",
                [keep.clone().into(), rule.minimum.clone().into()],
            ))
            .await
            .map_err(|e| {
                window_error(format!(
                    "'{keep}' is not an interval ({})",
                    neonhub_db::describe(&e)
                ))
            })?
            .ok_or_else(|| window_error("no row".into()))?;
        let long_enough: bool = row
            .try_get("", "long_enough")
            .map_err(|e| window_error(e.to_string()))?;
        if !long_enough {
            let source = match &rule.override_env {
                Some(name) if std::env::var(name).is_ok_and(|v| !v.trim().is_empty()) => {
                    format!(" (set by {name})")
                }
                _ => String::new(),
            };
            return Err(window_error(format!(
                "'{keep}' is shorter than the minimum '{}'{source}",
                rule.minimum.as_deref().unwrap_or_default()
            )));
        }
        out.push((
            window,
            row.try_get("", "cutoff")
                .map_err(|e| window_error(e.to_string()))?,
        ));
    }
    Ok(out)
}

/// Purge every table of `policy` on `db` (the owner's connection, on the primary), under the
/// purge lock unless it is a dry run (taken beside `db`, on the same server and database).
///
/// # Errors
/// [`PurgeError`]: a replica, the lock held by another run past `lock_wait` (named), a window
/// below its minimum, a failed statement (what was deleted by earlier batches stays deleted:
/// rerun to finish).
pub async fn purge(
    db: &DatabaseConnection,
    policy: &Policy,
    options: &PurgeOptions,
) -> Result<PurgeReport, PurgeError> {
    let started = Instant::now();
    if options.dry_run {
        return purge_locked(db, policy, options, None, started).await;
    }
    neonhub_db::require_primary(db).await?;
    let lock = ToolLock::acquire_beside(db, LOCK, options.lock_wait).await?;
    let result = purge_locked(db, policy, options, Some(&lock), started).await;
    // The purge's outcome is decided; a failed release frees the lock all the same.
    lock.release().await.ok();
    result
}

async fn purge_locked(
    db: &DatabaseConnection,
    policy: &Policy,
    options: &PurgeOptions,
    lock: Option<&ToolLock>,
    started: Instant,
) -> Result<PurgeReport, PurgeError> {
    let cutoffs = cutoffs(db, policy).await?;
    let mut report = PurgeReport {
        tables: Vec::new(),
        rows: 0,
        seconds: 0.0,
        interrupted: false,
        dry_run: options.dry_run,
    };
    let mut batches_left = options.max_batches;
    for (rule, (window, cutoff)) in policy.rules.iter().zip(cutoffs) {
        let table_started = Instant::now();
        let failed = |error: DbErr| PurgeError::Statement {
            table: rule.table.clone(),
            error,
        };
        let mut done = TablePurge {
            table: rule.table.clone(),
            window,
            cutoff: cutoff.clone(),
            rows: 0,
            batches: 0,
            seconds: 0.0,
        };
        if options.dry_run {
            let n = one(db, &count_sql(rule), vec![cutoff.clone().into()])
                .await
                .map_err(failed)?;
            done.rows = u64::try_from(n).unwrap_or_default();
        } else {
            let sql = delete_sql(rule);
            loop {
                if batches_left == Some(0) {
                    report.interrupted = true;
                    break;
                }
                let deleted = batch(db, &sql, &cutoff, options).await.map_err(failed)?;
                done.rows += deleted;
                done.batches += 1;
                batches_left = batches_left.map(|n| n - 1);
                if deleted < u64::from(options.batch_rows) {
                    break;
                }
                tokio::time::sleep(options.pause).await;
            }
        }
        done.seconds = table_started.elapsed().as_secs_f64();
        report.rows += done.rows;
        report.tables.push(done);
        if report.interrupted {
            break;
        }
    }
    if let Some(lock) = lock {
        lock.still_held().await?;
    }
    if !options.dry_run && report.rows > 0 {
        record(db, &report)
            .await
            .map_err(|error| PurgeError::Statement {
                table: "audit_logs".into(),
                error,
            })?;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// One batch in its own transaction; a lock timeout is retried (after a growing pause) up to
/// four times.
async fn batch(
    db: &DatabaseConnection,
    sql: &str,
    cutoff: &str,
    options: &PurgeOptions,
) -> Result<u64, DbErr> {
    let mut attempt = 0;
    loop {
        let result = async {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!(
                "SET LOCAL lock_timeout = '{}ms'; SET LOCAL statement_timeout = '300s'",
                options.lock_timeout.as_millis()
            ))
            .await?;
            let n = one(
                &txn,
                sql,
                vec![
                    cutoff.to_owned().into(),
                    i64::from(options.batch_rows).into(),
                ],
            )
            .await?;
            txn.commit().await?;
            Ok::<_, DbErr>(u64::try_from(n).unwrap_or_default())
        }
        .await;
        match result {
            Err(err) if neonhub_db::is_lock_timeout(&err) && attempt < 4 => {
                attempt += 1;
                tokio::time::sleep(options.pause * 10 * attempt).await;
            }
            other => return other,
        }
    }
}

/// The purge itself goes into the audit log: what was deleted from which table (counts only).
async fn record(db: &DatabaseConnection, report: &PurgeReport) -> Result<(), DbErr> {
    let tables: serde_json::Map<String, serde_json::Value> = report
        .tables
        .iter()
        .filter(|t| t.rows > 0)
        .map(|t| {
            (
                t.table.clone(),
                serde_json::json!({"rows": t.rows, "cutoff": t.cutoff}),
            )
        })
        .collect();
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO audit_logs (actor_type, action, resource_type, metadata) \
         VALUES ('system', 'retention.purged', 'retention', $1)",
        [serde_json::json!({ "tables": tables, "interrupted": report.interrupted }).into()],
    ))
    .await?;
    Ok(())
}

/// Tables holding rows past their window, with how many (0 tables: nothing overdue). Reads
/// only; for `doctor`.
///
/// # Errors
/// [`PurgeError`] as for [`purge`].
pub async fn overdue(
    db: &DatabaseConnection,
    policy: &Policy,
) -> Result<Vec<(String, u64)>, PurgeError> {
    let cutoffs = cutoffs(db, policy).await?;
    let mut out = Vec::new();
    for (rule, (_, cutoff)) in policy.rules.iter().zip(cutoffs) {
        let n = one(db, &count_sql(rule), vec![cutoff.into()])
            .await
            .map_err(|error| PurgeError::Statement {
                table: rule.table.clone(),
                error,
            })?;
        if n > 0 {
            out.push((rule.table.clone(), u64::try_from(n).unwrap_or_default()));
        }
    }
    Ok(out)
}
