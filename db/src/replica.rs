//! Read replicas: telling a hot standby from a primary, refusing writers there, and what a
//! standby says about how far behind it is.
//!
//! Writers (`migration`, `seeder`, `vector-maintain`) call [`require_primary`] before they take
//! their lock or write anything: on a standby every write fails anyway, but with an error about
//! read-only transactions or lock modes that does not say what to do. Readers (`smoke`,
//! `doctor`, `entity::search`) work on either; `doctor` reports [`standby_status`].

use crate::DbError;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// Is the server in recovery (a hot standby, or a restore still replaying WAL)?
///
/// # Errors
/// The database error of `SELECT pg_is_in_recovery()`.
pub async fn in_recovery<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_is_in_recovery() AS in_recovery",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("pg_is_in_recovery() returned no row".into()))?;
    row.try_get("", "in_recovery")
}

/// Refuse to go on when `db` is a read replica: [`DbError::ReadReplica`].
///
/// # Errors
/// [`DbError::ReadReplica`] on a standby; a database error when the question fails.
pub async fn require_primary<C: ConnectionTrait>(db: &C) -> Result<(), DbError> {
    if in_recovery(db).await? {
        return Err(DbError::ReadReplica);
    }
    Ok(())
}

/// What a hot standby reports about its replication.
#[derive(Debug, Clone, PartialEq)]
pub struct StandbyStatus {
    /// The WAL position received from the primary (`pg_last_wal_receive_lsn()`).
    pub receive_lsn: Option<String>,
    /// The WAL position replayed (`pg_last_wal_replay_lsn()`).
    pub replay_lsn: Option<String>,
    /// Bytes received but not replayed yet.
    pub replay_lag_bytes: Option<i64>,
    /// Seconds since the last replayed transaction committed on the primary (grows while the
    /// primary is idle too: read it with `replay_lag_bytes`).
    pub seconds_since_last_replay: Option<f64>,
    /// The WAL receiver's state (`streaming`, ...), `None` when no receiver runs.
    pub receiver_status: Option<String>,
    /// The primary it streams from (`host:port`).
    pub upstream: Option<String>,
}

/// The standby's replication status, or `None` on a primary.
///
/// # Errors
/// The database error of the status query.
pub async fn standby_status<C: ConnectionTrait>(db: &C) -> Result<Option<StandbyStatus>, DbErr> {
    if !in_recovery(db).await? {
        return Ok(None);
    }
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_last_wal_receive_lsn()::text AS receive_lsn,
                    pg_last_wal_replay_lsn()::text AS replay_lsn,
                    pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint
                        AS replay_lag_bytes,
                    extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8
                        AS seconds_since_last_replay,
                    (SELECT status FROM pg_stat_wal_receiver) AS receiver_status,
                    (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver)
                        AS upstream",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("the standby status query returned no row".into()))?;
    Ok(Some(StandbyStatus {
        receive_lsn: row.try_get("", "receive_lsn")?,
        replay_lsn: row.try_get("", "replay_lsn")?,
        replay_lag_bytes: row.try_get("", "replay_lag_bytes")?,
        seconds_since_last_replay: row.try_get("", "seconds_since_last_replay")?,
        receiver_status: row.try_get("", "receiver_status")?,
        upstream: row.try_get("", "upstream")?,
    }))
}
