//! What a database error means, read from its SQLSTATE (never from the message text, which
//! follows the server's `lc_messages`).

use sea_orm::{DbErr, RuntimeErr, sqlx};

/// SQLSTATE `lock_not_available`: a `lock_timeout` expired (or a `NOWAIT` lock was refused).
pub const LOCK_NOT_AVAILABLE: &str = "55P03";

fn database_error(err: &DbErr) -> Option<&(dyn sqlx::error::DatabaseError + 'static)> {
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e.as_database_error(),
        _ => None,
    }
}

/// The SQLSTATE of `err`, when the server raised it.
pub fn sqlstate(err: &DbErr) -> Option<String> {
    database_error(err)
        .and_then(|db| db.code())
        .map(|code| code.into_owned())
}

/// Whether `err` is PostgreSQL's `lock_not_available` (SQLSTATE 55P03): a lock wait gave up.
pub fn is_lock_timeout(err: &DbErr) -> bool {
    sqlstate(err).as_deref() == Some(LOCK_NOT_AVAILABLE)
}
