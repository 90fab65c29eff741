//! Points to recover to: a named restore point (`pg_create_restore_point`) before a risky
//! change, or, where the role may not create one (managed services), the WAL position and time
//! to give a point-in-time restore instead.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// Where a restore can stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryPoint {
    /// The restore point's name, `None` when only the position was read.
    pub name: Option<String>,
    /// The WAL position (`pg_lsn` as text), when the role may read it.
    pub lsn: Option<String>,
    /// The server's time, UTC, ISO 8601 (`2026-12-03T10:00:00.123456Z`).
    pub time: String,
}

const NOW: &str =
    "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

/// Create the restore point `name` (superuser, or EXECUTE granted on
/// `pg_create_restore_point`).
///
/// # Errors
/// The server's error: insufficient privilege (42501), `wal_level = minimal` (55000), a standby.
pub async fn create_restore_point<C: ConnectionTrait>(
    db: &C,
    name: &str,
) -> Result<RecoveryPoint, DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT pg_create_restore_point($1)::text AS lsn, {NOW} AS time"),
            [name.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("pg_create_restore_point returned no row".into()))?;
    Ok(RecoveryPoint {
        name: Some(name.to_owned()),
        lsn: row.try_get("", "lsn")?,
        time: row.try_get("", "time")?,
    })
}

/// The current WAL position and time, without creating anything (any role may ask for the
/// time; the position needs `pg_current_wal_lsn`, which may be revoked: then `lsn` is `None`).
///
/// # Errors
/// The database error of the time query.
pub async fn current_point<C: ConnectionTrait>(db: &C) -> Result<RecoveryPoint, DbErr> {
    let lsn = match db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_current_wal_lsn()::text AS lsn",
        ))
        .await
    {
        Ok(Some(row)) => row.try_get("", "lsn").ok(),
        _ => None,
    };
    let time = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT {NOW} AS time"),
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("the time query returned no row".into()))?
        .try_get("", "time")?;
    Ok(RecoveryPoint {
        name: None,
        lsn,
        time,
    })
}
