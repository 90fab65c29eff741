//! Every migration runs with a lock timeout and a statement timeout, so that a migration
//! waiting behind a long query fails fast (and can simply be retried) instead of stalling every
//! request queued behind its lock.
//!
//! [`wrap`] puts each migration in a [`Guarded`] that starts its `up` and `down` with
//! `SET LOCAL lock_timeout` / `SET LOCAL statement_timeout` (inside the migration's own
//! transaction), or, for a migration that runs outside a transaction (concurrent index builds),
//! with session-level `SET`s that it `RESET`s at the end. The values are
//! [`DEFAULT_LOCK_TIMEOUT`] and [`DEFAULT_STATEMENT_TIMEOUT`] unless [`set_timeouts`] changed
//! them for this process (the runner does, from its options).

use sea_orm_migration::prelude::*;
use std::sync::RwLock;
use std::time::Duration;

/// How long a migration statement may wait for a lock.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one migration statement may run.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(300);

static TIMEOUTS: RwLock<(Duration, Duration)> =
    RwLock::new((DEFAULT_LOCK_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT));

/// Set the lock and statement timeouts of the migrations run by this process.
pub fn set_timeouts(lock: Duration, statement: Duration) {
    *TIMEOUTS.write().unwrap_or_else(|e| e.into_inner()) = (lock, statement);
}

fn setting(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// Wrap every migration.
pub fn wrap(migrations: Vec<Box<dyn MigrationTrait>>) -> Vec<Box<dyn MigrationTrait>> {
    migrations
        .into_iter()
        .map(|m| Box::new(Guarded(m)) as Box<dyn MigrationTrait>)
        .collect()
}

/// A migration that runs with the process's timeouts.
pub struct Guarded(Box<dyn MigrationTrait>);

impl Guarded {
    fn in_transaction(&self) -> bool {
        self.0.use_transaction() != Some(false)
    }

    async fn begin(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        let (lock, statement) = *TIMEOUTS.read().unwrap_or_else(|e| e.into_inner());
        let scope = if self.in_transaction() {
            "SET LOCAL"
        } else {
            "SET"
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "{scope} lock_timeout = '{}'; {scope} statement_timeout = '{}'",
                setting(lock),
                setting(statement)
            ))
            .await?;
        Ok(())
    }

    async fn end(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        if !self.in_transaction() {
            manager
                .get_connection()
                .execute_unprepared("RESET lock_timeout; RESET statement_timeout")
                .await?;
        }
        Ok(())
    }
}

impl MigrationName for Guarded {
    fn name(&self) -> &str {
        self.0.name()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Guarded {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.begin(manager).await?;
        self.0.up(manager).await?;
        self.end(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.begin(manager).await?;
        self.0.down(manager).await?;
        self.end(manager).await
    }

    fn use_transaction(&self) -> Option<bool> {
        self.0.use_transaction()
    }
}
