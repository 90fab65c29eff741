//! What is checked before a connection is opened, and the driver options every connection of
//! this crate gets.
//!
//! - `sslrootcert=<path>` names a file that exists and can be read: otherwise the driver's
//!   error would be reported as an unreachable server;
//! - `channel_binding=require` (in Neon's copy-paste URLs) is never dropped silently: sqlx does
//!   not implement SCRAM channel binding, so the client says on stderr that it does not enforce
//!   it and that the connection relies on TLS (`sslmode`), and refuses when `sslmode` is weaker
//!   than `require` (nothing would then protect the connection);
//! - [`connect_options`]: the URL without the parameters only this crate reads
//!   ([`DatabaseUrl::driver_url`]), and no `extra_float_digits` startup parameter (sqlx sends
//!   it by default; a default PgBouncer refuses the connection for it). Results do not change:
//!   sqlx reads floats in binary, and PostgreSQL 12+ prints the shortest exact text anyway.

use crate::{DatabaseUrl, DbError};
use sea_orm::sqlx::postgres::PgConnectOptions;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// Print `message` on stderr as a warning, once per process (a tool opens several connections
/// to one URL; the reader needs the sentence once).
pub(crate) fn notice_once(message: String) {
    static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let first = SEEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(message.clone());
    if first {
        eprintln!("warning: {}", crate::redact(&message));
    }
}

/// The `sslmode`s under which the connection is encrypted whatever the server says.
const TLS_REQUIRED: [&str; 3] = ["require", "verify-ca", "verify-full"];

/// Check `url` before connecting: a readable `sslrootcert`, and `channel_binding=require` only
/// over a connection TLS protects (said on stderr, once: it is not enforced by this client).
///
/// # Errors
/// [`DbError::SslRootCert`], [`DbError::ChannelBindingWithoutTls`].
pub fn check(url: &DatabaseUrl) -> Result<(), DbError> {
    let ssl_mode = url.ssl_mode();
    if let Some(path) = url.query_param("sslrootcert")
        && ssl_mode != "disable"
    {
        let refused = |reason: String| DbError::SslRootCert {
            path: path.clone(),
            reason,
        };
        if path == "system" {
            return Err(refused(
                "'system' (libpq's name for the operating system's store) is not supported by \
                 this client, which trusts the Mozilla root list: omit sslrootcert for a \
                 publicly signed certificate"
                    .into(),
            ));
        }
        match std::fs::File::open(&path) {
            Ok(file) => {
                if file.metadata().is_ok_and(|m| m.is_dir()) {
                    return Err(refused("it is a folder, not a PEM file".into()));
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(refused("the file does not exist".into()));
            }
            Err(err) => return Err(refused(format!("the file cannot be read ({err})"))),
        }
    }
    if url
        .query_param("channel_binding")
        .is_some_and(|v| v.eq_ignore_ascii_case("require"))
    {
        if !TLS_REQUIRED.contains(&ssl_mode.as_str()) {
            return Err(DbError::ChannelBindingWithoutTls {
                target: url.target(),
                ssl_mode,
            });
        }
        notice_once(format!(
            "channel_binding=require in the URL of {} is not enforced by this client (sqlx does \
             not implement SCRAM channel binding): the connection relies on TLS alone \
             (sslmode={ssl_mode}{})",
            url.target(),
            if ssl_mode == "verify-full" {
                ", which verifies the server's certificate and name"
            } else {
                "; sslmode=verify-full with the server's CA would also verify who answers"
            }
        ));
    }
    Ok(())
}

/// The driver's options for `url`: checked ([`check`]), without the client-only parameters
/// and without the `extra_float_digits` startup parameter.
///
/// # Errors
/// As [`check`]; [`DbError::InvalidUrl`] when the driver cannot read the URL.
pub fn connect_options(url: &DatabaseUrl) -> Result<PgConnectOptions, DbError> {
    check(url)?;
    let options: PgConnectOptions =
        url.driver_url()
            .parse()
            .map_err(|err: sea_orm::sqlx::Error| DbError::InvalidUrl {
                url: url.to_string(),
                reason: crate::redact(&err.to_string()),
            })?;
    Ok(options.extra_float_digits(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(raw: &str) -> DatabaseUrl {
        DatabaseUrl::parse(raw).unwrap()
    }

    #[test]
    fn channel_binding_needs_tls() {
        for mode in ["disable", "allow", "prefer"] {
            let err = check(&url(&format!(
                "postgres://u@h/db?sslmode={mode}&channel_binding=require"
            )))
            .unwrap_err();
            assert!(
                matches!(err, DbError::ChannelBindingWithoutTls { .. }),
                "{err}"
            );
            let text = err.to_string();
            assert!(text.contains("channel_binding=require"), "{text}");
            assert!(text.contains("sslmode=require"), "{text}");
        }
        // No sslmode at all is sqlx's `prefer`: refused too.
        assert!(check(&url("postgres://u@h/db?channel_binding=require")).is_err());
        for mode in TLS_REQUIRED {
            check(&url(&format!(
                "postgres://u@h/db?sslmode={mode}&channel_binding=require"
            )))
            .unwrap();
        }
        check(&url(
            "postgres://u@h/db?sslmode=disable&channel_binding=prefer",
        ))
        .unwrap();
    }

    #[test]
    fn a_missing_or_unreadable_root_certificate_is_named() {
        let err = check(&url(
            "postgres://u@h/db?sslmode=verify-full&sslrootcert=/nonexistent/neonhub-ca.pem",
        ))
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("/nonexistent/neonhub-ca.pem") && text.contains("does not exist"),
            "{text}"
        );
        assert!(!text.contains("Is the server running"), "{text}");
        let dir = std::env::temp_dir();
        let err = check(&url(&format!(
            "postgres://u@h/db?sslmode=verify-ca&sslrootcert={}",
            dir.display()
        )))
        .unwrap_err();
        assert!(err.to_string().contains("folder"), "{err}");
        // Not read at all without TLS.
        check(&url(
            "postgres://u@h/db?sslmode=disable&sslrootcert=/nonexistent/neonhub-ca.pem",
        ))
        .unwrap();
    }

    #[test]
    fn options_leave_out_client_parameters() {
        let options = connect_options(&url(
            "postgres://u:p@h:5433/db?pgbouncer=true&sslmode=require&channel_binding=require",
        ))
        .unwrap();
        assert_eq!(options.get_port(), 5433);
        assert_eq!(options.get_database(), Some("db"));
    }
}
