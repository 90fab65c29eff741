//! Errors of the database plumbing, each saying what went wrong and what to do.

use crate::{DatabaseUrl, redact};
use sea_orm::{DbErr, RuntimeErr, sqlx};
use std::time::Duration;

/// What can go wrong between a NeonHub tool and its database. Messages never hold a password.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No URL anywhere.
    #[error(
        "DATABASE_URL is not set: pass --database-url, export DATABASE_URL, or put it in .env \
         (`make db-up` starts the local default and writes it)"
    )]
    MissingUrl,
    /// The URL does not parse or is not a Postgres URL.
    #[error(
        "DATABASE_URL '{url}' is malformed: {reason}. Expected postgres://user[:password]@host[:port]/database"
    )]
    InvalidUrl {
        /// The URL, redacted.
        url: String,
        /// Why it was rejected.
        reason: String,
    },
    /// Nothing listens at the address.
    #[error(
        "cannot reach PostgreSQL at {target}: {reason}. Is the server running? (`make db-up` starts the local default)"
    )]
    Unreachable {
        /// `host:port`.
        target: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The server did not answer in time.
    #[error(
        "timed out after {seconds}s connecting to PostgreSQL at {target}: check the host, port and firewall, or raise --connect-timeout"
    )]
    ConnectTimeout {
        /// `host:port`.
        target: String,
        /// The timeout.
        seconds: u64,
    },
    /// Wrong user or password.
    #[error(
        "PostgreSQL at {target} rejected the credentials of user '{user}': check the user and password in DATABASE_URL"
    )]
    AuthFailed {
        /// `host:port`.
        target: String,
        /// The user name.
        user: String,
    },
    /// The database does not exist on the server.
    #[error(
        "database '{database}' does not exist on {target}: create it (`createdb {database}`, or `make db-up` for the local default) or fix DATABASE_URL"
    )]
    UnknownDatabase {
        /// `host:port`.
        target: String,
        /// The database name.
        database: String,
    },
    /// Another process holds the lock for too long.
    #[error(
        "waited {seconds}s for the {what} lock (another migrator or seeder is running): try again when it has finished, or raise the lock timeout"
    )]
    LockTimeout {
        /// Which lock.
        what: String,
        /// How long we waited.
        seconds: u64,
    },
    /// Any other database error (redacted).
    #[error("database error: {0}")]
    Other(String),
}

impl From<DbErr> for DbError {
    fn from(err: DbErr) -> Self {
        DbError::Other(crate::describe(&err))
    }
}

impl DbError {
    /// Classify an error raised while connecting to `url`.
    pub fn from_connect(url: &DatabaseUrl, err: &DbErr, timeout: Duration) -> Self {
        match err {
            DbErr::Conn(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => {
                Self::from_sqlx(url, e, timeout)
            }
            _ => DbError::Other(format!(
                "connecting to {}: {}",
                url.target(),
                redact(&err.to_string())
            )),
        }
    }

    /// Classify a driver error raised while connecting to `url`.
    pub fn from_sqlx(url: &DatabaseUrl, err: &sqlx::Error, timeout: Duration) -> Self {
        let target = url.target();
        match err {
            sqlx::Error::Io(io) => DbError::Unreachable {
                target,
                reason: io.to_string(),
            },
            sqlx::Error::PoolTimedOut => DbError::ConnectTimeout {
                target,
                seconds: timeout.as_secs(),
            },
            sqlx::Error::Database(db) => match db.code().as_deref() {
                Some("28P01") | Some("28000") => DbError::AuthFailed {
                    target,
                    user: url.user().unwrap_or("(none)").to_owned(),
                },
                Some("3D000") => DbError::UnknownDatabase {
                    target,
                    database: url.database(),
                },
                _ => DbError::Other(redact(&db.to_string())),
            },
            _ => DbError::Other(format!(
                "connecting to {target}: {}",
                redact(&err.to_string())
            )),
        }
    }
}
