//! The application's connection: one way for backend code (the API, workers) to connect as the
//! application login, directly or through any connection pooler.
//!
//! ```no_run
//! # async fn api() -> Result<(), neonhub_db::DbError> {
//! use neonhub_db::{DatabaseUrl, app::{AppPoolOptions, connect_app}};
//! let app = connect_app(
//!     &DatabaseUrl::resolve_app(None)?, // DATABASE_APP_URL
//!     AppPoolOptions { max_connections: 16, ..AppPoolOptions::default() },
//! )
//! .await?;
//! // entity::tenant::with_tenant(&app, &credential, |txn| …) for every request.
//! # let _ = app; Ok(()) }
//! ```
//!
//! **Transaction-pooler mode.** A transaction pooler (PgBouncer in `pool_mode = transaction`,
//! Neon's `-pooler` endpoint, Supavisor) gives each *transaction* a server connection that other
//! clients used before and will use after. The driver (sqlx, under SeaORM) names every
//! statement it prepares (`sqlx_s_1`, `sqlx_s_2`, … counted per client connection), so without
//! the pooler's own prepared-statement support (PgBouncer before 1.21, or without
//! `max_prepared_statements`) a name meets another client's statement of the same name: an
//! error (`prepared statement "sqlx_s_3" already exists`) or, when a cached name is bound on a
//! server connection where another client's statement has it, **another query's result**.
//! In this mode ([`AppConnection::transaction_pooler`], from `pgbouncer=true` in the URL, a
//! Neon `-pooler.` host or port 6432; `pgbouncer=false` turns it off):
//!
//! - the driver's statement cache is off: no name is used twice;
//! - every transaction begins with `DEALLOCATE ALL` (one simple-protocol statement, on the
//!   server connection the transaction holds until it ends), so the names it prepares cannot
//!   meet leftovers of any client; PgBouncer 1.22+ with `max_prepared_statements` understands
//!   it (1.21 does not: use 1.22+, or `max_prepared_statements = 0`);
//! - a statement run on the connection itself, outside a transaction
//!   ([`sea_orm::ConnectionTrait`] of [`AppConnection`]), runs in a transaction of its own:
//!   sqlx prepares and executes a statement in two exchanges, between which a pooler may hand
//!   the client another server connection, so a bare statement is never sent there.
//!
//! Outside this mode the statement cache is on (sqlx's default of 100 per connection). Use the
//! mode for any transaction pooler that lacks prepared-statement support; with PgBouncer 1.22+
//! and `max_prepared_statements` (Neon's pooler) it is not needed but stays correct. Never use
//! [`AppConnection::pool`] for statements outside a transaction behind such a pooler.

use crate::{DatabaseUrl, DbError};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    ExecResult, IsolationLevel, QueryResult, Statement, TransactionError, TransactionOptions,
    TransactionTrait,
};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The statement every transaction begins with in transaction-pooler mode.
pub const DEALLOCATE_ALL: &str = "DEALLOCATE ALL";

/// Whether the application's connection goes through a transaction pooler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PoolerMode {
    /// From the URL: `pgbouncer=true` (or `false`) in its query, else
    /// [`DatabaseUrl::looks_pooled`] (a Neon `-pooler.` host, port 6432).
    #[default]
    FromUrl,
    /// Transaction-pooler mode, whatever the URL says.
    TransactionPooler,
    /// Direct: the statement cache on, no `DEALLOCATE ALL`.
    Direct,
}

/// The application pool's settings.
#[derive(Debug, Clone)]
pub struct AppPoolOptions {
    /// The most connections the pool opens.
    pub max_connections: u32,
    /// Connections kept open when idle.
    pub min_connections: u32,
    /// Time allowed for opening a connection.
    pub connect_timeout: Duration,
    /// Time a caller may wait for a free connection of the pool.
    pub acquire_timeout: Duration,
    /// An idle connection is closed after this long.
    pub idle_timeout: Option<Duration>,
    /// A connection is closed after this long (it then forgets the server's state).
    pub max_lifetime: Option<Duration>,
    /// Check that an idle connection still answers before handing it out (one round trip).
    pub test_before_acquire: bool,
    /// Transaction-pooler mode or not.
    pub pooler: PoolerMode,
}

impl Default for AppPoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            min_connections: 0,
            connect_timeout: crate::DEFAULT_CONNECT_TIMEOUT,
            acquire_timeout: Duration::from_secs(10),
            idle_timeout: Some(Duration::from_secs(600)),
            max_lifetime: Some(Duration::from_secs(1800)),
            test_before_acquire: true,
            pooler: PoolerMode::FromUrl,
        }
    }
}

/// Why `url` gets transaction-pooler mode under `mode`, or `None`.
pub fn pooler_reason(url: &DatabaseUrl, mode: PoolerMode) -> Option<&'static str> {
    match mode {
        PoolerMode::TransactionPooler => Some("asked for"),
        PoolerMode::Direct => None,
        PoolerMode::FromUrl => match url.query_param("pgbouncer") {
            Some(v) if v.eq_ignore_ascii_case("false") => None,
            _ => url.looks_pooled(),
        },
    }
}

/// The application's pool ([`connect_app`]): a [`DatabaseConnection`] that knows whether a
/// transaction pooler is in front. Use it with `entity::tenant::with_tenant`, or as any SeaORM
/// connection ([`ConnectionTrait`], [`TransactionTrait`]).
#[derive(Debug, Clone)]
pub struct AppConnection {
    db: DatabaseConnection,
    pooler: Option<&'static str>,
}

/// Connect the application to `url` (normally `DATABASE_APP_URL`: the application login),
/// with `options`: TLS, `sslrootcert` and `channel_binding` as the URL says
/// ([`crate::preflight`]), no startup parameter a pooler refuses, and transaction-pooler mode
/// when the URL says so (see the module header). The first connection is opened before
/// returning, so that a wrong password or an unreachable server is reported here.
///
/// # Errors
/// [`DbError`], with what to do.
pub async fn connect_app(
    url: &DatabaseUrl,
    options: AppPoolOptions,
) -> Result<AppConnection, DbError> {
    let pooler = pooler_reason(url, options.pooler);
    let settings = crate::pool::PoolSettings {
        max_connections: options.max_connections,
        min_connections: options.min_connections,
        acquire_timeout: options.acquire_timeout,
        idle_timeout: options.idle_timeout,
        max_lifetime: options.max_lifetime,
        test_before_acquire: options.test_before_acquire,
        statement_cache_off: pooler.is_some(),
        // The application's transactions begin with DEALLOCATE ALL themselves (begin()), and a
        // bare statement runs in a transaction of its own (ConnectionTrait below).
        pin: crate::pool::Pin::Nothing,
        session_settings: Vec::new(),
    };
    let db = crate::pool::open(url, options.connect_timeout, settings).await?;
    Ok(AppConnection { db, pooler })
}

impl AppConnection {
    /// A connection `db` made elsewhere, in transaction-pooler mode or not (`pooler`: why).
    pub fn from_connection(db: DatabaseConnection, pooler: Option<&'static str>) -> Self {
        Self { db, pooler }
    }

    /// Why this connection is in transaction-pooler mode, or `None` (direct).
    pub fn transaction_pooler(&self) -> Option<&'static str> {
        self.pooler
    }

    /// The pool itself. Behind a transaction pooler in pooler mode, run statements on it only
    /// inside a transaction begun by [`AppConnection::begin`] (or `with_tenant`): a bare
    /// statement may be prepared on one server connection and executed on another.
    pub fn pool(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Close the pool.
    ///
    /// # Errors
    /// When closing fails.
    pub async fn close(self) -> Result<(), DbErr> {
        self.db.close().await
    }

    /// In pooler mode, clear the transaction's server connection of every prepared statement.
    async fn clean(&self, txn: DatabaseTransaction) -> Result<DatabaseTransaction, DbErr> {
        if self.pooler.is_some()
            && let Err(err) = txn.execute_unprepared(DEALLOCATE_ALL).await
        {
            txn.rollback().await.ok();
            return Err(err);
        }
        Ok(txn)
    }

    /// Run `stmt` outside a transaction: directly, or in pooler mode in a transaction of its
    /// own (see the module header).
    async fn single<T, F>(&self, run: F) -> Result<T, DbErr>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            )
                -> Pin<Box<dyn Future<Output = Result<T, DbErr>> + Send + 'c>>
            + Send,
        T: Send,
    {
        let txn = self.begin().await?;
        match run(&txn).await {
            Ok(value) => {
                txn.commit().await?;
                Ok(value)
            }
            Err(err) => {
                txn.rollback().await.ok();
                Err(err)
            }
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for AppConnection {
    fn get_database_backend(&self) -> DbBackend {
        DbBackend::Postgres
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        if self.pooler.is_none() {
            return self.db.execute_raw(stmt).await;
        }
        self.single(|txn| Box::pin(async move { txn.execute_raw(stmt).await }))
            .await
    }

    /// One simple-protocol message: safe through any pooler as it is.
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.db.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        if self.pooler.is_none() {
            return self.db.query_one_raw(stmt).await;
        }
        self.single(|txn| Box::pin(async move { txn.query_one_raw(stmt).await }))
            .await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        if self.pooler.is_none() {
            return self.db.query_all_raw(stmt).await;
        }
        self.single(|txn| Box::pin(async move { txn.query_all_raw(stmt).await }))
            .await
    }
}

#[async_trait::async_trait]
impl TransactionTrait for AppConnection {
    type Transaction = DatabaseTransaction;

    /// `BEGIN`, and in pooler mode `DEALLOCATE ALL`.
    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        let txn = self.db.begin().await?;
        self.clean(txn).await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        let txn = self
            .db
            .begin_with_config(isolation_level, access_mode)
            .await?;
        self.clean(txn).await
    }

    async fn begin_with_options(
        &self,
        options: TransactionOptions,
    ) -> Result<DatabaseTransaction, DbErr> {
        let txn = self.db.begin_with_options(options).await?;
        self.clean(txn).await
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.transaction_with_config(callback, None, None).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let txn = self
            .begin_with_config(isolation_level, access_mode)
            .await
            .map_err(TransactionError::Connection)?;
        match callback(&txn).await {
            Ok(value) => {
                txn.commit().await.map_err(TransactionError::Connection)?;
                Ok(value)
            }
            Err(err) => {
                txn.rollback().await.map_err(TransactionError::Connection)?;
                Err(TransactionError::Transaction(err))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(url: &str) -> Option<&'static str> {
        pooler_reason(&DatabaseUrl::parse(url).unwrap(), PoolerMode::FromUrl)
    }

    #[test]
    fn the_mode_comes_from_the_url() {
        assert!(reason("postgres://u:p@h:5432/db?pgbouncer=true").is_some());
        assert!(reason("postgres://u:p@ep-x-123-pooler.eu-central-1.aws.neon.tech/db").is_some());
        assert!(reason("postgres://u:p@h:6432/db").is_some());
        // pgbouncer=false: a pooler with prepared-statement support, the cache kept.
        assert!(reason("postgres://u:p@h:6432/db?pgbouncer=false").is_none());
        assert!(reason("postgres://u:p@ep-x-123.eu-central-1.aws.neon.tech/db").is_none());
        let direct = DatabaseUrl::parse("postgres://u:p@h/db").unwrap();
        assert!(pooler_reason(&direct, PoolerMode::TransactionPooler).is_some());
        let pooled = DatabaseUrl::parse("postgres://u:p@h/db?pgbouncer=true").unwrap();
        assert!(pooler_reason(&pooled, PoolerMode::Direct).is_none());
    }
}
