//! Carrying out a plan: `CREATE INDEX CONCURRENTLY` / `DROP INDEX CONCURRENTLY` on one
//! connection, never blocking writes.

use crate::MaintainError;
use crate::plan::{Action, MERGE_BATCH, Plan, merge_sql};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use std::time::{Duration, Instant};

/// Session settings of [`apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOptions {
    /// `lock_timeout` of each statement. `CREATE INDEX CONCURRENTLY` waits for the
    /// transactions that were writing the table when it started; past this it fails, and the
    /// next run rebuilds the INVALID index it leaves.
    pub lock_timeout: Duration,
    /// `maintenance_work_mem` for the builds (the server's when `None`); an HNSW build that
    /// fits in it is much faster.
    pub maintenance_work_mem: Option<String>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            lock_timeout: Duration::from_secs(60),
            maintenance_work_mem: None,
        }
    }
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
    for sql in &session {
        db.execute_unprepared(sql)
            .await
            .map_err(|error| MaintainError::Action {
                action: sql.clone(),
                error,
            })?;
    }
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

/// Merge the waiting rows of `table` into its graph, [`MERGE_BATCH`] rows per transaction,
/// until a batch comes back short or the `planned` rows are done (rows inserted meanwhile are
/// left to the next run, so a run under a steady stream of inserts still ends). Returns the
/// rows merged.
async fn merge(db: &DatabaseConnection, table: &str, planned: u64) -> Result<u64, sea_orm::DbErr> {
    let sql = merge_sql(table, MERGE_BATCH);
    let mut merged = 0;
    loop {
        let batch = db.execute_unprepared(&sql).await?.rows_affected();
        merged += batch;
        if batch < MERGE_BATCH || merged >= planned {
            return Ok(merged);
        }
    }
}
