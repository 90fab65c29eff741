//! Every migration in a transaction runs with a lock timeout and a statement timeout, so that a
//! migration waiting behind a long query fails fast (and can simply be retried) instead of
//! stalling every request queued behind its lock.
//!
//! [`wrap`] puts each migration in a [`Guarded`] that starts its `up` and `down` with
//! `SET LOCAL lock_timeout` / `SET LOCAL statement_timeout`, inside the migration's own
//! transaction: they end with it, so nothing stays on the connection, pooled or not. The values
//! are [`DEFAULT_LOCK_TIMEOUT`] and [`DEFAULT_STATEMENT_TIMEOUT`] unless [`set_timeouts`]
//! changed them for this process (the runner does, from its options).
//!
//! A migration that runs outside a transaction (`use_transaction() == Some(false)`: concurrent
//! index builds, which PostgreSQL refuses inside one) gets no `SET` at all: a session-level
//! `SET` sent through a transaction pooler lands on one server connection, the statements on
//! others, and stays behind for another client. What that means:
//!
//! - Its lock timeout comes from the runner's session, set in the connection's startup packet
//!   ([`crate::runner`]: the session and its setting end together); through a URL that looks
//!   pooled the runner sends none, and the statements wait as long as they must.
//! - It has no statement timeout: a concurrent build takes minutes per million rows.
//! - That is safe for what such migrations do: `CREATE INDEX CONCURRENTLY` and `DROP INDEX
//!   CONCURRENTLY` take SHARE UPDATE EXCLUSIVE, which never blocks reads or writes, so waiting
//!   costs only the migration's own time; and the runner still holds the `migrations` lock, so
//!   no other migrator runs meanwhile. A statement of such a migration that takes a stronger
//!   lock should carry its own limit (`SET LOCAL` in the same implicit transaction, as
//!   [`crate::util`]'s helpers do).

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

/// The lock timeout of this process's migrations.
pub(crate) fn lock_timeout() -> Duration {
    TIMEOUTS.read().unwrap_or_else(|e| e.into_inner()).0
}

/// `d` as a PostgreSQL time setting (`5s`, `1500ms`).
pub(crate) fn setting(d: Duration) -> String {
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
        if !self.in_transaction() {
            return Ok(());
        }
        let (lock, statement) = *TIMEOUTS.read().unwrap_or_else(|e| e.into_inner());
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "SET LOCAL lock_timeout = '{}'; SET LOCAL statement_timeout = '{}'",
                setting(lock),
                setting(statement)
            ))
            .await?;
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
        self.0.up(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.begin(manager).await?;
        self.0.down(manager).await
    }

    fn use_transaction(&self) -> Option<bool> {
        self.0.use_transaction()
    }
}
