//! Database plumbing shared by the NeonHub binaries (`migration`, `seeder`, `smoke`) and tests.
//!
//! - [`DatabaseUrl::resolve`]: `DATABASE_URL` from a flag, the environment or `.env`, in that order;
//!   [`DatabaseUrl::resolve_writer`]: the direct URL of the tools that write
//!   (`DIRECT_DATABASE_URL`, `DATABASE_URL_UNPOOLED`, then `DATABASE_URL`), a pooled-looking one
//!   warned about;
//! - [`connect`]: a pooled connection with a connect timeout and errors a user can act on
//!   (checked first by [`preflight`]: `sslrootcert`, `channel_binding`; no startup parameter a
//!   pooler refuses); [`connect_with_settings`] adds settings of the connection's own session;
//! - [`redact`]: passwords never reach a message or a log line;
//! - [`ToolLock`]: the lock of each tool that writes (a table of `neonhub_locks` held by an open
//!   transaction: out of the application login's reach, never lost behind a pooler);
//! - [`AdvisoryLock`]: a session-level advisory lock, for test infrastructure only;
//! - [`app_role`]: the members of the application role `neonhub_app`;
//! - [`catalog`]: a canonical, diffable snapshot of the live schema;
//! - [`diagnose`]: what a database error means, by its SQLSTATE (lock timeouts, missing tables),
//!   said without driver internals ([`describe`]).
//!
//! - [`recovery`]: named restore points before risky changes, or the position to restore to;
//! - [`replica`]: a hot standby told from a primary; writers refuse it ([`require_primary`]);
//! - [`cli`] (feature `cli`): the `--database-url` / `--connect-timeout` flags every binary
//!   shares. Without the feature this crate pulls in no CLI code.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod app;
pub mod app_role;
pub mod catalog;
#[cfg(feature = "cli")]
pub mod cli;
pub mod diagnose;
mod error;
mod lock;
pub mod pool;
pub mod preflight;
pub mod recovery;
pub mod replica;
pub mod tool_lock;
mod url;

pub use diagnose::{describe, is_lock_timeout, sqlstate};
pub use error::DbError;
pub use lock::AdvisoryLock;
pub use replica::require_primary;
pub use tool_lock::{LockHolder, ToolLock, ToolLockName};
pub use url::{DatabaseUrl, WRITER_URL_VARS, redact};

use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::time::Duration;

/// Default time allowed for opening a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Open a connection pool of at most `max_connections` to `url`, failing after `timeout`.
///
/// The first connection is opened (and a `SELECT 1` run) before returning, so that a wrong
/// password, a missing database or a server that does not listen is reported here, with the
/// host and port named and the password redacted. When the URL says a transaction pooler is in
/// front (`pgbouncer=true`, a Neon `-pooler.` host, port 6432; [`app::pooler_reason`]), the pool
/// is in the tools' pooler mode: every use of a connection is a transaction of its own that
/// begins with `DEALLOCATE ALL` (see [`pool`]).
pub async fn connect(
    url: &DatabaseUrl,
    timeout: Duration,
    max_connections: u32,
) -> Result<DatabaseConnection, DbError> {
    connect_with_mode(url, timeout, max_connections, app::PoolerMode::FromUrl).await
}

/// Close a pool made by [`connect`] once every connection has come back to it. In pooler mode
/// a connection's transaction is committed when the connection comes back (`COMMIT` in the
/// pool's release hook, which sqlx runs in a task of its own after the statement returned):
/// closing the pool, or ending the process, before that task ran would roll back the last
/// statement of each connection. Waits up to 10 s, then closes anyway.
///
/// # Errors
/// When closing fails.
pub async fn close(db: sea_orm::DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    if matches!(db.get_database_backend(), sea_orm::DbBackend::Postgres) {
        let pool = db.get_postgres_connection_pool();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while pool.num_idle() < pool.size() as usize && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    db.close().await
}

/// [`connect`], in transaction-pooler mode or not as `mode` says.
pub async fn connect_with_mode(
    url: &DatabaseUrl,
    timeout: Duration,
    max_connections: u32,
    mode: app::PoolerMode,
) -> Result<DatabaseConnection, DbError> {
    let mut settings = pool::PoolSettings::tool(max_connections, timeout);
    if app::pooler_reason(url, mode).is_some() {
        settings.pin = pool::Pin::Transactions;
        settings.statement_cache_off = true;
    }
    pool::open(url, timeout, settings).await
}

/// [`connect`], with `settings` (name, value) in force in every session of the pool from its
/// start: sent in the startup packet (`options=-c name=value`, as libpq's `options`), so they
/// live and end with that server session and no `SET` statement is ever sent. A transaction
/// pooler cannot carry them to another client: it refuses the parameter (said as
/// [`DbError::PoolerRejectedParameter`]), ignores it, or tracks it per client. For tools'
/// sessions outside transactions (concurrent index builds), where `SET LOCAL` cannot be used:
/// see [`connect_tool_session`].
pub async fn connect_with_settings(
    url: &DatabaseUrl,
    timeout: Duration,
    max_connections: u32,
    settings: &[(&str, String)],
) -> Result<DatabaseConnection, DbError> {
    let mut pool = pool::PoolSettings::tool(max_connections, timeout);
    pool.session_settings = settings
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    pool::open(url, timeout, pool).await
}

/// A tool's own session for what cannot run in a transaction (`CREATE INDEX CONCURRENTLY`),
/// with `settings` for it alone in its startup packet ([`connect_with_settings`], one
/// connection). Returns the session and, when a transaction pooler is in front, why: the URL
/// says so ([`app::pooler_reason`]), or the server refused the settings
/// (`unsupported startup parameter: options`: a PgBouncer on any port; `tool` then says once
/// on stderr that it runs without them). Behind a pooler the session has no settings and its
/// statement cache is off: run **simple-protocol statements only** on it
/// (`execute_unprepared`), each one whole; anything prepared belongs on a [`connect`] pool in
/// pooler mode. Never a `SET`, which a transaction pooler would leave on another client's
/// server connection.
///
/// # Errors
/// As [`connect`].
pub async fn connect_tool_session(
    url: &DatabaseUrl,
    timeout: Duration,
    settings: &[(&str, String)],
    tool: &str,
) -> Result<(DatabaseConnection, Option<&'static str>), DbError> {
    let bare = || {
        let mut pool = pool::PoolSettings::tool(1, timeout);
        pool.statement_cache_off = true;
        pool
    };
    if let Some(reason) = app::pooler_reason(url, app::PoolerMode::FromUrl) {
        return Ok((pool::open(url, timeout, bare()).await?, Some(reason)));
    }
    match connect_with_settings(url, timeout, 1, settings).await {
        Ok(session) => Ok((session, None)),
        Err(DbError::PoolerRejectedParameter { parameter, .. }) if parameter == "options" => {
            preflight::notice_once(format!(
                "{tool}: {} refused session settings in the startup packet: a connection pooler \
                 is in front (add pgbouncer=true to its URL to say so); running without {} (use \
                 the direct URL, DIRECT_DATABASE_URL or DATABASE_URL_UNPOOLED, to have them)",
                url.target(),
                settings
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            Ok((
                pool::open(url, timeout, bare()).await?,
                Some("it refused session settings in the startup packet"),
            ))
        }
        Err(err) => Err(err),
    }
}

/// End a binary's `main`: on error, print it with its causes (`{:#}`) and every password
/// redacted to stderr, and also as `{"error": "…"}` on stdout when `json` is set (so a caller
/// parsing the output sees the failure); the exit code is non-zero on error.
pub fn exit_code<E: std::fmt::Display>(
    result: Result<(), E>,
    json: bool,
) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            let message = redact(&format!("{err:#}"));
            if json {
                println!("{}", serde_json::json!({ "error": message }));
            }
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The log filter when `RUST_LOG` is unset: our crates' warnings, libraries' errors only (sqlx's
/// slow-statement warnings and sea-orm-migration's per-migration lines stay quiet).
pub const DEFAULT_LOG_FILTER: &str = "error,neonhub_db=warn,migration=warn,seeder=warn,smoke=warn,maintain=warn,bench=warn,entity=warn";

/// Set up a binary's log lines (feature `cli`) (`tracing`): on stderr, filtered by `RUST_LOG` or else
/// [`DEFAULT_LOG_FILTER`] (`RUST_LOG=info` shows sea-orm-migration's line per migration), so a
/// command prints its one summary line on stdout and nothing else; colour only when stdout
/// and stderr are both terminals and `NO_COLOR` is unset, so files and CI logs get plain text.
#[cfg(feature = "cli")]
pub fn init_logging() {
    use std::io::IsTerminal;
    let ansi = std::io::stdout().is_terminal()
        && std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    // A second call (a test that runs two mains) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .try_init();
}

/// Whether the server offers the `vector` extension (pgvector), installed or not.
pub async fn pgvector_available(db: &DatabaseConnection) -> Result<bool, DbError> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'",
        ))
        .await?;
    Ok(row.is_some())
}
