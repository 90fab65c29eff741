//! A Postgres advisory lock held on its own connection: for test infrastructure only (the
//! template database of `testkit`). The tools' locks are [`crate::ToolLock`]s: any login may
//! take an advisory lock of any key, and a session-level lock is lost behind a transaction
//! pooler.

use crate::{DatabaseUrl, DbError};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::time::{Duration, Instant};

/// A session-level advisory lock, held on a dedicated connection until [`AdvisoryLock::release`]
/// (or until the process dies: the server releases it with the session, so a crash never leaves
/// the lock behind).
pub struct AdvisoryLock {
    conn: DatabaseConnection,
    key: i64,
}

impl AdvisoryLock {
    /// A stable 64-bit lock key derived from `name` (FNV-1a), so every build agrees on it
    /// (the tools' former keys, e.g. of `neonhub:migrations`, are computed with it by the tests
    /// that hold them as an attacker would).
    pub fn key_for(name: &str) -> i64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in name.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash as i64
    }

    /// Take the lock named `name` on a new connection to `url`, waiting up to `wait`.
    pub async fn acquire(
        url: &DatabaseUrl,
        name: &str,
        connect_timeout: Duration,
        wait: Duration,
    ) -> Result<Self, DbError> {
        let conn = crate::connect(url, connect_timeout, 1).await?;
        let key = Self::key_for(name);
        let started = Instant::now();
        loop {
            let row = conn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_try_advisory_lock($1) AS locked",
                    [key.into()],
                ))
                .await?
                .ok_or_else(|| DbError::Other("pg_try_advisory_lock returned no row".into()))?;
            let locked: bool = row.try_get("", "locked")?;
            if locked {
                return Ok(Self { conn, key });
            }
            if started.elapsed() >= wait {
                return Err(DbError::LockTimeout {
                    lock: name.to_owned(),
                    seconds: wait.as_secs(),
                    holder: None,
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Release the lock and close its connection.
    pub async fn release(self) -> Result<(), DbError> {
        self.conn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_unlock($1)",
                [self.key.into()],
            ))
            .await?;
        self.conn.close().await?;
        Ok(())
    }
}
