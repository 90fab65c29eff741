//! Maintenance of the HNSW indexes (`vector-maintain`, `make vector-maintain`): merging the rows
//! that wait outside the graph, and the tenant indexes.
//!
//! On `chunks` and `messages` a new row does not enter the HNSW graph on insert (the insert
//! path stays fast; searches scan the waiting rows exactly): a run first merges the waiting
//! rows in batches ([`Action::Merge`]), so run it often (every few minutes) where rows arrive
//! steadily.
//!
//! A tenant with more rows in a vector table than [`TenantIndexPolicy::index_above`] gets a
//! partial HNSW index of its own (see [`entity::search::tenant_index`]); one that shrank below
//! [`TenantIndexPolicy::keep_above`], or no longer exists, loses it. [`plan`] compares the
//! tenants' row counts with the indexes present and lists the actions; [`apply`] runs them
//! with `CREATE INDEX CONCURRENTLY` / `DROP INDEX CONCURRENTLY`, so writes are never blocked;
//! [`run`] does both under the `vector_maintain` tool lock ([`LOCK`]: a table of
//! `neonhub_locks` held by an open transaction, out of the application login's reach; two
//! maintainers never overlap, and a wait that runs out names the holder) and plans again
//! afterwards to prove that nothing is left to do.
//!
//! Idempotent and safe to run from cron: a second run finds nothing to do; a run that fails
//! half-way (a lock timeout, a killed process) leaves at worst an INVALID index, which the
//! next run drops and builds again.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use entity::search::tenant_index::TenantIndexPolicy;
use neonhub_db::{DatabaseUrl, DbError, ToolLock, ToolLockName};
use sea_orm::DbErr;
use serde::Serialize;
use std::time::{Duration, Instant};

mod apply;
mod plan;

pub use apply::{
    ApplyOptions, BUILD_BYTES_PER_ROW, BUILD_MEMORY_FLOOR, BuildTarget, Done, apply, build_memory,
    session_settings,
};
pub use plan::{
    Action, DropReason, Kept, MERGE_BATCH, OverCap, Plan, RebuildReason, count_sql, merge_sql, plan,
};

/// The tool lock that serialises maintainers (table `neonhub_locks.vector_maintain`).
pub const LOCK: ToolLockName = ToolLockName::VectorMaintain;

/// A maintenance run that failed.
#[derive(Debug, thiserror::Error)]
pub enum MaintainError {
    /// The policy is inconsistent.
    #[error("invalid tenant index policy: {0}")]
    Policy(String),
    /// Connecting or taking the lock failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A vector table is missing: the database is not migrated.
    #[error("table {0} does not exist: migrate the database first (`make migrate`)")]
    NotMigrated(String),
    /// Reading the row counts or the indexes failed.
    #[error("reading tenants and indexes failed: {}", neonhub_db::describe(.0))]
    Read(DbErr),
    /// One action failed. What ran before it stays; a half-built index is INVALID and the
    /// next run rebuilds it.
    #[error(
        "{action} failed: {}. Actions before it are done; run vector-maintain again \
         (an INVALID index left behind is rebuilt)",
        neonhub_db::describe(.error)
    )]
    Action {
        /// The action, described.
        action: String,
        /// The database's error (said in the message, not a `source`: no driver internals).
        error: DbErr,
    },
}

impl From<DbErr> for MaintainError {
    fn from(err: DbErr) -> Self {
        MaintainError::Read(err)
    }
}

/// Options of [`run`].
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// Which tenants get an index.
    pub policy: TenantIndexPolicy,
    /// Settings of the builds.
    pub apply: ApplyOptions,
    /// Only plan.
    pub dry_run: bool,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time to wait for another maintainer to finish.
    pub lock_wait: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            policy: TenantIndexPolicy::default(),
            apply: ApplyOptions::default(),
            dry_run: false,
            connect_timeout: neonhub_db::DEFAULT_CONNECT_TIMEOUT,
            lock_wait: Duration::from_secs(600),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The plan found at the start.
    pub plan: Plan,
    /// Whether only the plan was made.
    pub dry_run: bool,
    /// Actions carried out.
    pub done: Vec<Done>,
    /// Index actions a new plan finds after the run (none, unless rows changed meanwhile).
    pub pending_after: Vec<Action>,
    /// Rows inserted during the run that wait for the next one (merges of the new plan).
    pub waiting_after: u64,
    /// Seconds the run took, lock wait included.
    pub seconds: f64,
}

/// Plan and apply under the maintainers' advisory lock, then plan again (the pending actions
/// of the report: empty when the run converged).
pub async fn run(
    url: &DatabaseUrl,
    options: &RunOptions,
    on_done: impl FnMut(&Done),
) -> Result<Report, MaintainError> {
    options.policy.validate().map_err(MaintainError::Policy)?;
    let started = Instant::now();
    let db = neonhub_db::connect(url, options.connect_timeout, 1).await?;
    // Index builds and drops need the primary (a dry run would plan for the standby's copy of
    // the primary's indexes, which is the primary's plan: run it there too).
    neonhub_db::require_primary(&db).await?;
    let lock = if options.dry_run {
        None
    } else {
        match ToolLock::acquire(url, LOCK, options.connect_timeout, options.lock_wait).await {
            Ok(lock) => Some(lock),
            Err(err) => {
                neonhub_db::close(db).await.ok();
                return Err(err.into());
            }
        }
    };
    let target = BuildTarget {
        url,
        connect_timeout: options.connect_timeout,
    };
    let outcome = async {
        let plan = plan(&db, &options.policy).await?;
        if options.dry_run {
            return Ok((plan, Vec::new(), Vec::new()));
        }
        let done = apply(&db, &target, &plan, &options.apply, on_done).await?;
        let after = self::plan(&db, &options.policy).await?;
        if let Some(lock) = &lock {
            lock.still_held().await?;
        }
        Ok::<_, MaintainError>((plan, done, after.actions))
    }
    .await;
    if let Some(lock) = lock {
        lock.release().await.ok();
    }
    neonhub_db::close(db).await.ok();
    let (plan, done, after) = outcome?;
    let (merges, pending_after): (Vec<Action>, Vec<Action>) =
        after.into_iter().partition(Action::is_merge);
    let waiting_after = merges
        .iter()
        .map(|merge| match merge {
            Action::Merge { rows, .. } => *rows,
            _ => 0,
        })
        .sum();
    Ok(Report {
        plan,
        dry_run: options.dry_run,
        done,
        pending_after,
        waiting_after,
        seconds: started.elapsed().as_secs_f64(),
    })
}
