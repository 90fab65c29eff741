//! The connection flags every binary shares (feature `cli`), flattened into each binary's
//! clap parser with `#[command(flatten)]`, as sqlx-cli does: one spelling, one default, one
//! help text.

use crate::{DEFAULT_CONNECT_TIMEOUT, DatabaseUrl, DbError};
use std::time::Duration;

/// `--database-url` and `--connect-timeout`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectArgs {
    /// Postgres URL. Default: DATABASE_URL (environment, then .env); commands that write
    /// (migrate, seed, vector-maintain, purge, erase-user) use DIRECT_DATABASE_URL, else
    /// DATABASE_URL_UNPOOLED, else DATABASE_URL, and warn when it looks pooled.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Seconds to wait when connecting.
    #[arg(long, global = true, default_value_t = DEFAULT_CONNECT_TIMEOUT.as_secs())]
    pub connect_timeout: u64,
}

impl ConnectArgs {
    /// The database to use: the flag, else `DATABASE_URL` from the environment or `.env`.
    ///
    /// # Errors
    /// [`DbError`] when none is set or the URL is malformed.
    pub fn url(&self) -> Result<DatabaseUrl, DbError> {
        DatabaseUrl::resolve(self.database_url.as_deref())
    }

    /// The database of a command that writes (`tool` names it in messages): the flag, else
    /// `DIRECT_DATABASE_URL`, `DATABASE_URL_UNPOOLED` or `DATABASE_URL` (each from the
    /// environment, then `.env`). A URL that looks pooled is warned about on stderr, once.
    ///
    /// # Errors
    /// [`DbError`] when none is set or the URL is malformed.
    pub fn writer_url(&self, tool: &str) -> Result<DatabaseUrl, DbError> {
        let url = DatabaseUrl::resolve_writer(self.database_url.as_deref())?;
        url.warn_if_pooled_writer(tool);
        Ok(url)
    }

    /// The database for read-only work: the flag, else `DATABASE_READ_URL` (a read replica),
    /// else `DATABASE_URL`.
    ///
    /// # Errors
    /// [`DbError`] when none is set or the URL is malformed.
    pub fn read_url(&self) -> Result<DatabaseUrl, DbError> {
        DatabaseUrl::resolve_read(self.database_url.as_deref())
    }

    /// How long to wait when connecting.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout)
    }
}
