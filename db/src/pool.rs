//! Opening a pool: the driver options ([`crate::preflight`]), the pool's settings, and the
//! transaction-pooler mode of the tools' pools.
//!
//! **The tools behind a transaction pooler.** Through a pooler without prepared-statement
//! support (PgBouncer before 1.21, or without `max_prepared_statements`), a statement the driver
//! prepares under a name (`sqlx_s_N`, counted per client connection) meets other clients'
//! statements of that name, and a statement outside a transaction is prepared on one server
//! connection and may be executed on another (sqlx prepares and executes in two exchanges). The
//! tools' code runs statements outside transactions everywhere, so in pooler mode
//! ([`Pin::Transactions`]) their pool makes every use of a connection a transaction of its own:
//! a connection handed out has cleared its server connection of prepared statements and begun
//! a transaction ([`PIN`], one simple-protocol message: the pooler keeps the server connection
//! for the client until the transaction ends), and one given back is committed (`COMMIT`; after
//! a transaction of the tool's own, already ended, the server answers with a warning). That
//! `COMMIT` runs in a task sqlx spawns when the connection comes back, after the statement has
//! returned: close such a pool with [`crate::close`], which waits for it (closing at once, or
//! exiting, rolls the last statement back). The
//! statement cache is off, so no name is used twice. A tool's own transactions run inside that
//! one (their `BEGIN` warns that a transaction is in progress; their `COMMIT` or `ROLLBACK`
//! ends it). What cannot run in a transaction (`CREATE INDEX CONCURRENTLY`) needs a pool
//! without it ([`Pin::Nothing`]), which runs simple-protocol statements only.

use crate::{DatabaseUrl, DbError, preflight};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sea_orm::sqlx::{self, ConnectOptions, Connection};
use sea_orm::{ConnectionTrait, DatabaseConnection, SqlxPostgresConnector};
use std::time::Duration;

/// What every connection handed out in pooler mode runs first: one simple-protocol message,
/// which a pooler sends whole to one server connection. `DEALLOCATE ALL` runs in the message's
/// implicit transaction, which `COMMIT` ends (the server warns that no transaction block is in
/// progress), so that the transaction `BEGIN` opens has run nothing yet (a tool's own
/// `SET TRANSACTION ISOLATION LEVEL` must come before any statement of its transaction).
pub const PIN: &str = "DEALLOCATE ALL; COMMIT; BEGIN";

/// Whether the pool wraps each use of a connection in a transaction of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pin {
    /// A direct connection: nothing added.
    Nothing,
    /// Behind a transaction pooler: [`PIN`] when a connection is handed out, `COMMIT` when it
    /// comes back.
    Transactions,
}

/// The pool's settings.
#[derive(Debug, Clone)]
pub(crate) struct PoolSettings {
    pub max_connections: u32,
    pub min_connections: u32,
    pub acquire_timeout: Duration,
    pub idle_timeout: Option<Duration>,
    pub max_lifetime: Option<Duration>,
    pub test_before_acquire: bool,
    /// The driver's statement cache off (no statement name used twice).
    pub statement_cache_off: bool,
    pub pin: Pin,
    /// Settings of each session, in its startup packet.
    pub session_settings: Vec<(String, String)>,
}

impl PoolSettings {
    /// `max_connections` connections, none kept idle, waiting `timeout` for one; the tools'
    /// defaults otherwise.
    pub fn tool(max_connections: u32, timeout: Duration) -> Self {
        Self {
            max_connections,
            min_connections: 0,
            acquire_timeout: timeout,
            idle_timeout: Some(Duration::from_secs(600)),
            max_lifetime: Some(Duration::from_secs(1800)),
            test_before_acquire: true,
            statement_cache_off: false,
            pin: Pin::Nothing,
            session_settings: Vec::new(),
        }
    }
}

/// Open a pool to `url` with `settings`. One plain connection is opened first, then the pool's
/// first, each within `connect_timeout`, so that errors are said as [`DbError`]s (a pool retries
/// failed connects until its timeout and then reports only that).
pub(crate) async fn open(
    url: &DatabaseUrl,
    connect_timeout: Duration,
    settings: PoolSettings,
) -> Result<DatabaseConnection, DbError> {
    let mut options: PgConnectOptions =
        preflight::connect_options(url)?.disable_statement_logging();
    if !settings.session_settings.is_empty() {
        options = options.options(settings.session_settings.clone());
    }
    if settings.statement_cache_off {
        options = options.statement_cache_capacity(0);
    }
    match tokio::time::timeout(connect_timeout, PgConnection::connect_with(&options)).await {
        Err(_) => {
            return Err(DbError::ConnectTimeout {
                target: url.target(),
                seconds: connect_timeout.as_secs(),
            });
        }
        Ok(Err(err)) => return Err(DbError::from_sqlx(url, &err, connect_timeout)),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
        }
    }
    let mut pool = PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .min_connections(settings.min_connections)
        .acquire_timeout(settings.acquire_timeout)
        .idle_timeout(settings.idle_timeout)
        .max_lifetime(settings.max_lifetime)
        .test_before_acquire(settings.test_before_acquire);
    if settings.pin == Pin::Transactions {
        pool = pool
            .after_connect(|conn, _| {
                Box::pin(async move { sqlx::raw_sql(PIN).execute(&mut *conn).await.map(drop) })
            })
            .before_acquire(|conn, _| {
                Box::pin(async move { sqlx::raw_sql(PIN).execute(&mut *conn).await.map(|_| true) })
            })
            .after_release(|conn, _| {
                // A connection whose COMMIT fails is closed, not reused.
                Box::pin(
                    async move { Ok(sqlx::raw_sql("COMMIT").execute(&mut *conn).await.is_ok()) },
                )
            });
    }
    let attempt = async {
        let pool = pool.connect_with(options).await?;
        let db = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
        Ok::<_, sqlx::Error>(db)
    };
    let db = match tokio::time::timeout(connect_timeout, attempt).await {
        Ok(Ok(db)) => db,
        Ok(Err(err)) => return Err(DbError::from_sqlx(url, &err, connect_timeout)),
        Err(_) => {
            return Err(DbError::ConnectTimeout {
                target: url.target(),
                seconds: connect_timeout.as_secs(),
            });
        }
    };
    match tokio::time::timeout(connect_timeout, db.execute_unprepared("SELECT 1")).await {
        Ok(Ok(_)) => Ok(db),
        Ok(Err(err)) => Err(DbError::from_connect(url, &err, connect_timeout)),
        Err(_) => Err(DbError::ConnectTimeout {
            target: url.target(),
            seconds: connect_timeout.as_secs(),
        }),
    }
}
