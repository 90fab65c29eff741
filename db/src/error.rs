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
         (`make db-up` starts the local default and writes it); tools that write read \
         DIRECT_DATABASE_URL or DATABASE_URL_UNPOOLED first"
    )]
    MissingUrl,
    /// Another URL variable (e.g. `DATABASE_APP_URL`) is set nowhere.
    #[error("{0} is not set: export it or put it in .env (`make db-up` writes the local server's)")]
    MissingVar(&'static str),
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
    /// The server's certificate is not signed by a CA the client trusts.
    #[error(
        "the server's certificate is not trusted (PostgreSQL at {target}: {reason}): pass \
         sslrootcert=/path/to/ca.pem in DATABASE_URL (the CA that signed it), or give the server \
         a certificate signed by a public CA (this build trusts the Mozilla root list, not the \
         system's)"
    )]
    UntrustedCertificate {
        /// `host:port`.
        target: String,
        /// The TLS library's reason.
        reason: String,
    },
    /// The server's certificate does not name the host of the URL.
    #[error(
        "the server's certificate is not valid for host '{host}' (PostgreSQL at {target}: \
         {reason}): connect with a host name the certificate lists, or use sslmode=verify-ca"
    )]
    CertificateNameMismatch {
        /// `host:port`.
        target: String,
        /// The host of the URL.
        host: String,
        /// The TLS library's reason.
        reason: String,
    },
    /// The server's certificate was refused for another reason (expired, revoked, ...).
    #[error(
        "the server's certificate was refused (PostgreSQL at {target}: {reason}): ask the \
         server's administrator for a valid certificate"
    )]
    InvalidCertificate {
        /// `host:port`.
        target: String,
        /// The TLS library's reason.
        reason: String,
    },
    /// `pg_hba.conf` has no entry that lets this host, user, database and TLS mode in.
    #[error(
        "PostgreSQL at {target} has no pg_hba.conf entry for user '{user}', database \
         '{database}' from this host with sslmode={ssl_mode} ({message}): connect with the TLS \
         mode the server expects (e.g. sslmode=verify-full with sslrootcert=, or \
         sslmode=require), or ask its administrator to add a pg_hba.conf entry"
    )]
    NoHbaEntry {
        /// `host:port`.
        target: String,
        /// The user name.
        user: String,
        /// The database name.
        database: String,
        /// The URL's `sslmode`.
        ssl_mode: String,
        /// The server's message.
        message: String,
    },
    /// The server refused the role for another reason than its password (it does not exist,
    /// may not log in, ...).
    #[error("PostgreSQL at {target} refused user '{user}': {message}")]
    RoleRefused {
        /// `host:port`.
        target: String,
        /// The user name.
        user: String,
        /// The server's message.
        message: String,
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
    /// `sslrootcert` names a file that cannot be used.
    #[error(
        "sslrootcert={path} in the URL cannot be used: {reason}. Point sslrootcert at the PEM \
         file of the CA that signed the server's certificate (readable by this user), or leave \
         it out for a publicly signed certificate"
    )]
    SslRootCert {
        /// The path, as the URL gives it.
        path: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// `channel_binding=require` over a connection TLS does not protect.
    #[error(
        "the URL of {target} asks for channel_binding=require with sslmode={ssl_mode}: this \
         client does not implement SCRAM channel binding, so only TLS could protect the \
         connection, and sslmode={ssl_mode} does not require it. Use sslmode=require (better: \
         sslmode=verify-full with the server's CA as sslrootcert), as Neon's URLs do"
    )]
    ChannelBindingWithoutTls {
        /// `host:port`.
        target: String,
        /// The URL's `sslmode`.
        ssl_mode: String,
    },
    /// A connection pooler in front of the server refused a startup parameter.
    #[error(
        "{target} refused the startup parameter '{parameter}' ({message}): a connection pooler \
         (PgBouncer, ...) is in front of the server and does not accept it. Add it to the \
         pooler's ignore_startup_parameters (PgBouncer: ignore_startup_parameters = \
         extra_float_digits,options), or connect to the server directly (tools that write read \
         DIRECT_DATABASE_URL or DATABASE_URL_UNPOOLED)"
    )]
    PoolerRejectedParameter {
        /// `host:port`.
        target: String,
        /// The parameter refused.
        parameter: String,
        /// The pooler's message.
        message: String,
    },
    /// Another session held a tool lock for longer than the wait allowed.
    #[error("{}", crate::tool_lock::timeout_message(.lock, *.seconds, .holder.as_deref()))]
    LockTimeout {
        /// Which lock (`migrations`, `seed`, `vector_maintain`, `purge`).
        lock: String,
        /// How long we waited.
        seconds: u64,
        /// Who held it when we gave up (`None`: it had just been released).
        holder: Option<Box<crate::tool_lock::LockHolder>>,
    },
    /// The role may not take a tool lock (an application login, or another owner).
    #[error(
        "this role may not take the {lock} lock (table neonhub_locks.{lock}: {message}): run the \
         tool as the database owner (the role that owns the schema), not as an application login"
    )]
    LockDenied {
        /// Which lock.
        lock: String,
        /// The server's message.
        message: String,
    },
    /// The session holding a tool lock ended before the tool finished.
    #[error(
        "the {lock} lock was lost before the run finished ({reason}): its session was ended \
         (pg_terminate_backend, a server restart or a dropped connection), so another run may \
         have started; what this run committed stays, nothing after it was recorded. Run the \
         tool again"
    )]
    LockLost {
        /// Which lock.
        lock: String,
        /// What the check saw.
        reason: String,
    },
    /// A writer was pointed at a hot standby.
    #[error(
        "this is a read replica (in recovery): run it against the primary (DATABASE_URL names \
         the primary; DATABASE_READ_URL is for read-only tools)"
    )]
    ReadReplica,
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
        if let Some(refused) = certificate_error(url, err) {
            return refused;
        }
        let user = || url.user().unwrap_or("(none)").to_owned();
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
                Some("28P01") => DbError::AuthFailed {
                    target,
                    user: user(),
                },
                // invalid_authorization_specification: pg_hba.conf (named in every language's
                // message), or a role that does not exist or may not log in.
                Some("28000") if db.message().contains("pg_hba.conf") => DbError::NoHbaEntry {
                    target,
                    user: user(),
                    database: url.database(),
                    ssl_mode: url.ssl_mode(),
                    message: redact(db.message()),
                },
                Some("28000") => DbError::RoleRefused {
                    target,
                    user: user(),
                    message: redact(db.message()),
                },
                Some("3D000") => DbError::UnknownDatabase {
                    target,
                    database: url.database(),
                },
                _ if db.message().contains("unsupported startup parameter") => {
                    DbError::PoolerRejectedParameter {
                        target,
                        parameter: db
                            .message()
                            .rsplit(':')
                            .next()
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                        message: redact(db.message()),
                    }
                }
                _ => DbError::Other(redact(&db.to_string())),
            },
            _ => DbError::Other(format!(
                "connecting to {target}: {}",
                redact(&err.to_string())
            )),
        }
    }
}

/// A refused server certificate, classified: sqlx reports the TLS library's error inside an
/// I/O or TLS error, so the chain is searched for rustls' certificate error.
fn certificate_error(url: &DatabaseUrl, err: &sqlx::Error) -> Option<DbError> {
    let inner: &(dyn std::error::Error + 'static) = match err {
        sqlx::Error::Io(io) => io.get_ref()?,
        sqlx::Error::Tls(tls) => tls.as_ref(),
        _ => return None,
    };
    let certificate = std::iter::successors(Some(inner), |e| e.source()).find_map(|e| {
        match e.downcast_ref::<rustls::Error>() {
            Some(rustls::Error::InvalidCertificate(c)) => Some(c.clone()),
            _ => None,
        }
    })?;
    let (target, reason) = (url.target(), format!("{certificate:?}"));
    use rustls::CertificateError as C;
    Some(match certificate {
        C::UnknownIssuer | C::BadSignature | C::UnknownRevocationStatus => {
            DbError::UntrustedCertificate { target, reason }
        }
        C::NotValidForName | C::NotValidForNameContext { .. } => DbError::CertificateNameMismatch {
            host: url.host().to_owned(),
            target,
            reason: "NotValidForName".into(),
        },
        _ => DbError::InvalidCertificate { target, reason },
    })
}
