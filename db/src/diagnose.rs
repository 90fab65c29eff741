//! What a database error means, read from its SQLSTATE (never from the message text, which
//! follows the server's `lc_messages`), and said without driver internals.

use crate::redact;
use sea_orm::{DbErr, RuntimeErr, sqlx};

/// SQLSTATE `lock_not_available`: a `lock_timeout` expired (or a `NOWAIT` lock was refused).
pub const LOCK_NOT_AVAILABLE: &str = "55P03";
/// SQLSTATE `undefined_table`.
pub const UNDEFINED_TABLE: &str = "42P01";
/// SQLSTATE `duplicate_prepared_statement`.
pub const DUPLICATE_PREPARED_STATEMENT: &str = "42P05";
/// SQLSTATE `invalid_sql_statement_name` (a prepared statement that does not exist).
pub const INVALID_STATEMENT_NAME: &str = "26000";

/// What a driver's named prepared statement (`sqlx_s_N`) that already exists, no longer exists,
/// or takes other parameters on the server means: the statement was prepared on one server
/// connection and used on another, which only a transaction pooler does.
pub const POOLER_PREPARED_STATEMENTS: &str = "a transaction pooler without prepared-statement \
     support (PgBouncer before 1.21, or without max_prepared_statements; Supavisor in \
     transaction mode; ...) is between this client and the server, and a named prepared \
     statement met another client's server connection (where another client's statement of the \
     same name can also run with this one's parameters). Add pgbouncer=true to the URL \
     (NeonHub's tools and neonhub_db::app::connect_app then run every statement in a \
     transaction that begins with DEALLOCATE ALL, without a statement cache), give the pooler \
     prepared-statement support (PgBouncer >= 1.22 with max_prepared_statements), or use the \
     direct URL for tools (DIRECT_DATABASE_URL, or Neon's DATABASE_URL_UNPOOLED)";

/// SQLSTATE `protocol_violation`: among others, a Bind whose parameters do not fit the named
/// statement it names.
pub const PROTOCOL_VIOLATION: &str = "08P01";

/// SQLSTATEs of a schema object that is missing or other than this build expects.
const SCHEMA_BEHIND: [&str; 4] = [
    "42703", // undefined_column
    "42704", // undefined_object (a type)
    "42883", // undefined_function
    "3F000", // invalid_schema_name
];

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

/// The first name quoted in a server message (`relation "x" does not exist`), if any.
fn quoted_name(message: &str) -> Option<&str> {
    let pairs = [('"', '"'), ('»', '«'), ('«', '»'), ('“', '”'), ('„', '“')];
    pairs.iter().find_map(|(open, close)| {
        let start = message.find(*open)? + open.len_utf8();
        let len = message[start..].find(*close)?;
        Some(message[start..start + len].trim()).filter(|name| !name.is_empty())
    })
}

/// `err` as a user reads it: for an error the server raised, its message (with detail and
/// hint) and what to do where that is known (a missing table: "table X does not exist: run
/// `make migrate`"), without the driver's wrapping ("Query Error: error returned from
/// database: … at line 1449"); otherwise the error's own text. Passwords are redacted.
pub fn describe(err: &DbErr) -> String {
    let Some(db) = database_error(err) else {
        return redact(&err.to_string());
    };
    let message = db.message();
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    let text = if code == UNDEFINED_TABLE {
        match quoted_name(message) {
            Some(table) => format!("table {table} does not exist: run `make migrate`"),
            None => format!("{message}: a table this build needs is missing: run `make migrate`"),
        }
    } else if (code == DUPLICATE_PREPARED_STATEMENT
        || code == INVALID_STATEMENT_NAME
        || code == PROTOCOL_VIOLATION)
        && message.contains("sqlx_s_")
    {
        format!("{message}: {POOLER_PREPARED_STATEMENTS} [SQLSTATE {code}]")
    } else if SCHEMA_BEHIND.contains(&code.as_str()) {
        format!(
            "{message}: the schema is not the one this build expects: run `make migrate` \
             (`make doctor` lists the differences)"
        )
    } else {
        let mut text = message.to_owned();
        if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
            if let Some(detail) = pg.detail() {
                text = format!("{text}; {detail}");
            }
            if let Some(hint) = pg.hint() {
                text = format!("{text} (hint: {hint})");
            }
        }
        format!("{text} [SQLSTATE {code}]")
    };
    redact(&text)
}

#[cfg(test)]
mod tests {
    use super::quoted_name;

    #[test]
    fn finds_the_quoted_name_in_several_languages() {
        assert_eq!(
            quoted_name(r#"relation "metric_events" does not exist"#),
            Some("metric_events")
        );
        assert_eq!(
            quoted_name("Relation »metric_events« existiert nicht"),
            Some("metric_events")
        );
        assert_eq!(quoted_name("no name here"), None);
    }
}
