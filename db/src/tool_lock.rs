//! The lock of each NeonHub tool that writes: one empty table per tool in the schema
//! `neonhub_locks`, held in ACCESS EXCLUSIVE mode by an open transaction on a connection of its
//! own ([`ToolLock`]).
//!
//! - **Out of the application's reach.** The schema and its tables belong to the owner, with
//!   every right revoked from PUBLIC and granted to nobody: an application login (role
//!   `neonhub_app`) gets "permission denied" for `LOCK TABLE`, so it cannot hold a tool hostage
//!   as it could take any advisory lock.
//! - **Cannot be lost behind a transaction pooler.** The lock lives as long as its transaction,
//!   and a transaction pooler (PgBouncer in transaction mode) keeps a transaction on one server
//!   connection until it ends. When the process dies its connection closes, and the server (or
//!   the pooler, which closes a server connection whose client left mid-transaction) ends the
//!   transaction: no lock is left behind. Only `SET LOCAL` is used on the lock's connection,
//!   never a session setting that could stay on a pooled connection.
//! - **Never times out by itself.** `idle_in_transaction_session_timeout`, `statement_timeout`
//!   (and `transaction_timeout` on PostgreSQL 17+) are lifted for the lock's transaction only.
//! - **Says who holds it.** `LOCK TABLE … NOWAIT` is retried every 200 ms; while it waits, the
//!   holder (pid, role, application name, state, since when) is logged every few seconds, and
//!   a wait that runs out names it with the `pg_terminate_backend` that ends a stale one.
//!   The holder's `application_name` names the tool, its process id and host.
//!
//! The schema and the table are created on first use, only when missing (a normal run does no
//! DDL); two first runs at once are told apart by retrying.

use crate::{DatabaseUrl, DbError};
use sea_orm::sqlx::{self, Row as _};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use std::fmt;
use std::time::{Duration, Instant};

/// The schema of the tool locks.
pub const LOCK_SCHEMA: &str = "neonhub_locks";

/// How often a refused lock is tried again.
const RETRY_EVERY: Duration = Duration::from_millis(200);
/// How often a waiting tool logs who holds its lock.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// The tools' locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ToolLockName {
    /// `migration` (up, down, fresh, refresh, reset).
    Migrations,
    /// `seeder`.
    Seed,
    /// `vector-maintain`.
    VectorMaintain,
    /// `lifecycle purge`.
    Purge,
}

impl ToolLockName {
    /// Every tool lock.
    pub const ALL: [Self; 4] = [
        Self::Migrations,
        Self::Seed,
        Self::VectorMaintain,
        Self::Purge,
    ];

    /// The lock's name, which is its table's.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Migrations => "migrations",
            Self::Seed => "seed",
            Self::VectorMaintain => "vector_maintain",
            Self::Purge => "purge",
        }
    }

    /// The lock's table, schema-qualified (`neonhub_locks.migrations`).
    pub fn table(self) -> String {
        format!("{LOCK_SCHEMA}.{}", self.as_str())
    }

    /// The tool that takes it.
    pub fn tool(self) -> &'static str {
        match self {
            Self::Migrations => "migration",
            Self::Seed => "seeder",
            Self::VectorMaintain => "vector-maintain",
            Self::Purge => "lifecycle purge",
        }
    }
}

impl fmt::Display for ToolLockName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The session that holds a tool lock, as `pg_locks` and `pg_stat_activity` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// Its server process id.
    pub pid: i32,
    /// Its role.
    pub role: String,
    /// Its `application_name` (a NeonHub tool sets "<tool> pid <pid> on <host>").
    pub application: String,
    /// Its state (`idle in transaction`, `active`, ...).
    pub state: String,
    /// When its transaction began, if visible.
    pub since: Option<String>,
    /// Seconds its transaction has been open, if visible.
    pub seconds: Option<i64>,
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pid {} (role {}, application '{}', {}",
            self.pid, self.role, self.application, self.state
        )?;
        if let Some(since) = &self.since {
            write!(f, ", transaction open since {since}")?;
        }
        if let Some(seconds) = self.seconds {
            write!(f, ", {seconds} s")?;
        }
        f.write_str(")")
    }
}

/// The message of [`DbError::LockTimeout`].
pub(crate) fn timeout_message(lock: &str, seconds: u64, holder: Option<&LockHolder>) -> String {
    match holder {
        Some(holder) => format!(
            "waited {seconds}s for the {lock} lock (table {LOCK_SCHEMA}.{lock}), held by \
             {holder}. If that run is still working, let it finish and try again (or allow a \
             longer wait); if it is stale (its process is gone), end its session with \
             `SELECT pg_terminate_backend({})`",
            holder.pid
        ),
        None => format!(
            "waited {seconds}s for the {lock} lock (table {LOCK_SCHEMA}.{lock}); its holder \
             has just finished: try again"
        ),
    }
}

/// A tool lock, held by an open transaction on a connection of its own until
/// [`ToolLock::release`] (or until the process dies: the transaction ends with its connection).
pub struct ToolLock {
    name: ToolLockName,
    conn: DatabaseConnection,
    txn: Option<DatabaseTransaction>,
}

impl ToolLock {
    /// Take lock `name` on a new connection to `url`, waiting up to `wait` (`Duration::MAX`:
    /// without end) for another holder.
    ///
    /// # Errors
    /// [`DbError::LockTimeout`] naming the holder; [`DbError::LockDenied`] for a role that may
    /// not take it; connection errors.
    pub async fn acquire(
        url: &DatabaseUrl,
        name: ToolLockName,
        connect_timeout: Duration,
        wait: Duration,
    ) -> Result<Self, DbError> {
        let conn = crate::connect(url, connect_timeout, 1).await?;
        Self::acquire_on(conn, name, wait).await
    }

    /// Take lock `name` on a new connection to the server and database of `db` (same
    /// credentials and settings as its pool), for tools that are handed a pool rather than a
    /// URL. Waits as [`ToolLock::acquire`].
    ///
    /// # Errors
    /// As [`ToolLock::acquire`].
    pub async fn acquire_beside(
        db: &DatabaseConnection,
        name: ToolLockName,
        wait: Duration,
    ) -> Result<Self, DbError> {
        let options = db.get_postgres_connection_pool().connect_options();
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .connect_with((*options).clone())
            .await
            .map_err(|err| DbError::Other(crate::redact(&err.to_string())))?;
        let conn = sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
        Self::acquire_on(conn, name, wait).await
    }

    async fn acquire_on(
        conn: DatabaseConnection,
        name: ToolLockName,
        wait: Duration,
    ) -> Result<Self, DbError> {
        ensure_table(&conn, name).await?;
        let lock_sql = lock_sql(&conn, name).await?;
        let started = Instant::now();
        let mut logged: Option<Instant> = None;
        loop {
            let txn = conn.begin().await?;
            match txn.execute_unprepared(&lock_sql).await {
                Ok(_) => {
                    return Ok(Self {
                        name,
                        conn,
                        txn: Some(txn),
                    });
                }
                Err(err) => {
                    // The transaction failed; ending it cannot change that.
                    txn.rollback().await.ok();
                    match crate::sqlstate(&err).as_deref() {
                        Some(crate::diagnose::LOCK_NOT_AVAILABLE) => {}
                        Some("42501") => return Err(denied(name, &err)),
                        _ => return Err(err.into()),
                    }
                }
            }
            let waited = started.elapsed();
            let give_up = waited >= wait;
            if give_up || logged.is_none_or(|at| at.elapsed() >= LOG_EVERY) {
                let holder = holder(&conn, name).await.ok().flatten();
                if give_up {
                    conn.close().await.ok();
                    return Err(DbError::LockTimeout {
                        lock: name.as_str().to_owned(),
                        seconds: wait.as_secs(),
                        holder: holder.map(Box::new),
                    });
                }
                match &holder {
                    Some(holder) => tracing::warn!(
                        "{}: waiting for the {name} lock ({}), held by {holder}; waited {} s",
                        name.tool(),
                        name.table(),
                        waited.as_secs()
                    ),
                    None => tracing::warn!(
                        "{}: waiting for the {name} lock ({})",
                        name.tool(),
                        name.table()
                    ),
                }
                logged = Some(Instant::now());
            }
            tokio::time::sleep(RETRY_EVERY.min(wait.saturating_sub(waited))).await;
        }
    }

    /// Which lock this is.
    pub fn name(&self) -> ToolLockName {
        self.name
    }

    /// Prove, with one statement on the lock's connection, that this session still holds the
    /// lock (`pg_locks` of `pg_backend_pid()`): a tool calls it before it records success.
    ///
    /// # Errors
    /// [`DbError::LockLost`] when the session was ended or no longer holds the lock.
    pub async fn still_held(&self) -> Result<(), DbError> {
        let lost = |reason: String| DbError::LockLost {
            lock: self.name.as_str().to_owned(),
            reason,
        };
        let txn = self
            .txn
            .as_ref()
            .ok_or_else(|| lost("already released".into()))?;
        // One simple-protocol statement: no prepared statement is left on the connection.
        let check = format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() \
             AND locktype = 'relation' AND relation = '{}'::regclass \
             AND mode = 'AccessExclusiveLock' AND granted) THEN \
             RAISE EXCEPTION 'this session does not hold the lock'; END IF; END $$",
            self.name.table()
        );
        txn.execute_unprepared(&check)
            .await
            .map(|_| ())
            .map_err(|err| lost(crate::describe(&err)))
    }

    /// Release the lock (commit its transaction) and close its connection.
    ///
    /// # Errors
    /// When the commit fails (the lock is released all the same when the connection closes).
    pub async fn release(mut self) -> Result<(), DbError> {
        let committed = match self.txn.take() {
            Some(txn) => txn.commit().await,
            None => Ok(()),
        };
        self.conn.close().await.ok();
        committed.map_err(DbError::from)
    }
}

fn denied(name: ToolLockName, err: &DbErr) -> DbError {
    DbError::LockDenied {
        lock: name.as_str().to_owned(),
        message: crate::describe(err),
    }
}

/// Create the schema and the lock's table when missing (`to_regclass` first: a normal run does
/// no DDL); no right for PUBLIC or anyone else. Two first runs at once: the loser's
/// duplicate_schema / duplicate_table / duplicate_object (the table's row type) /
/// unique_violation is retried.
async fn ensure_table(conn: &DatabaseConnection, name: ToolLockName) -> Result<(), DbError> {
    let table = name.table();
    let revoke_others = |kind: &str, object: &str, catalog: &str| {
        format!(
            "FOR g IN SELECT DISTINCT a.grantee FROM {catalog}, aclexplode(acl) a \
                 WHERE a.grantee <> owner AND a.grantee <> 0 LOOP \
                 EXECUTE format('REVOKE ALL ON {kind} {object} FROM %I', \
                                (SELECT rolname FROM pg_roles WHERE oid = g.grantee)); \
             END LOOP;"
        )
    };
    let sql = format!(
        "DO $$
         DECLARE g record;
         BEGIN
             IF to_regclass('{table}') IS NOT NULL THEN
                 RETURN;
             END IF;
             -- Only the run that creates an object sets its rights and comment: two first
             -- runs never update the same catalog row.
             IF to_regnamespace('{LOCK_SCHEMA}') IS NULL THEN
                 CREATE SCHEMA {LOCK_SCHEMA};
                 REVOKE ALL ON SCHEMA {LOCK_SCHEMA} FROM PUBLIC;
                 {schema_grants}
                 COMMENT ON SCHEMA {LOCK_SCHEMA} IS 'The NeonHub tools'' locks: a run holds \
its table in ACCESS EXCLUSIVE mode inside an open transaction (neonhub_db::ToolLock). No right \
for anyone but the owner.';
             END IF;
             CREATE TABLE {table} ();
             REVOKE ALL ON TABLE {table} FROM PUBLIC;
             {table_grants}
             COMMENT ON TABLE {table} IS 'Lock of {tool}: held in ACCESS EXCLUSIVE mode by \
its running transaction; empty.';
         END
         $$",
        schema_grants = revoke_others(
            "SCHEMA",
            LOCK_SCHEMA,
            &format!(
                "(SELECT nspacl AS acl, nspowner AS owner FROM pg_namespace \
                 WHERE nspname = '{LOCK_SCHEMA}') n"
            )
        ),
        table_grants = revoke_others(
            "TABLE",
            &table,
            &format!(
                "(SELECT relacl AS acl, relowner AS owner FROM pg_class \
                 WHERE oid = '{table}'::regclass) c"
            )
        ),
        tool = name.tool(),
    );
    let mut attempt = 0;
    loop {
        match conn.execute_unprepared(&sql).await {
            Ok(_) => return Ok(()),
            Err(err) => {
                let code = crate::sqlstate(&err);
                // duplicate_schema, duplicate_table, duplicate_object (its row type),
                // unique_violation (the catalog's index),
                // "tuple concurrently updated": another first run got there first.
                let raced = matches!(
                    code.as_deref(),
                    Some("42P06" | "42P07" | "42710" | "23505" | "XX000")
                );
                if raced && attempt < 5 {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
                if code.as_deref() == Some("42501") {
                    return Err(denied(name, &err));
                }
                return Err(err.into());
            }
        }
    }
}

/// The statement that takes the lock: settings for this transaction only, then `LOCK TABLE …
/// NOWAIT`.
async fn lock_sql(conn: &DatabaseConnection, name: ToolLockName) -> Result<String, DbError> {
    let version: i32 = sqlx::raw_sql("SELECT current_setting('server_version_num')")
        .fetch_one(conn.get_postgres_connection_pool())
        .await
        .ok()
        .and_then(|row| row.try_get::<String, _>(0).ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_default();
    let mut application: String = format!("{} pid {} on {host}", name.tool(), std::process::id())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " _.:@/-".contains(*c))
        .collect();
    application.truncate(63);
    Ok(format!(
        "SET LOCAL idle_in_transaction_session_timeout = 0; \
         SET LOCAL statement_timeout = 0; {}\
         SET LOCAL application_name = '{application}'; \
         LOCK TABLE {} IN ACCESS EXCLUSIVE MODE NOWAIT",
        if version >= 170_000 {
            "SET LOCAL transaction_timeout = 0; "
        } else {
            ""
        },
        name.table()
    ))
}

/// The session holding lock `name`, if any (read outside any transaction, in simple protocol).
async fn holder(
    conn: &DatabaseConnection,
    name: ToolLockName,
) -> Result<Option<LockHolder>, sqlx::Error> {
    let sql = format!(
        "SELECT l.pid::text, coalesce(a.usename::text, '?'), coalesce(a.application_name, ''), \
                coalesce(a.state, 'state not visible'), \
                to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS \"UTC\"'), \
                extract(epoch FROM now() - a.xact_start)::bigint::text \
           FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid \
          WHERE l.locktype = 'relation' AND l.granted \
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
            AND l.relation = to_regclass('{}') AND l.pid IS NOT NULL \
          LIMIT 1",
        name.table()
    );
    let Some(row) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .fetch_optional(conn.get_postgres_connection_pool())
        .await?
    else {
        return Ok(None);
    };
    let text = |i: usize| row.try_get::<Option<String>, _>(i).ok().flatten();
    Ok(Some(LockHolder {
        pid: text(0).and_then(|p| p.parse().ok()).unwrap_or_default(),
        role: text(1).unwrap_or_default(),
        application: text(2).unwrap_or_default(),
        state: text(3).unwrap_or_default(),
        since: text(4),
        seconds: text(5).and_then(|s| s.parse().ok()),
    }))
}
