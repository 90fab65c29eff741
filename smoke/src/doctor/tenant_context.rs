//! The credential-bound tenant context's check: what the API needs to enter tenants, and what
//! keeps a pooled connection from being poisoned.
//!
//! - **Tenant context**: fails when the context key is missing (migrations not applied);
//!   warns when no ticket key is installed (the API's tickets: JWT sign-ins, background jobs,
//!   sign-in tokens; `make ticket-keys`) and when PUBLIC may create temporary tables in this
//!   database (a database copied with `CREATE DATABASE … TEMPLATE` loses the migration's
//!   REVOKE: the statement that restores it is given).

use super::{Check, Status};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

const NAME: &str = "Tenant context";

/// The check.
pub async fn tenant_context(db: &DatabaseConnection) -> Check {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT to_regclass('neonhub_private.context_key') IS NOT NULL AS has_key,
                    has_database_privilege('public', current_database(), 'TEMPORARY') AS temp,
                    current_database()::text AS db",
        ))
        .await;
    let row = match row {
        Ok(Some(row)) => row,
        Ok(None) => return Check::new(NAME, Status::Warn, "no answer".to_owned()),
        Err(err) => return Check::new(NAME, Status::Warn, neonhub_db::describe(&err)),
    };
    let has_key: bool = row.try_get("", "has_key").unwrap_or(false);
    let temp: bool = row.try_get("", "temp").unwrap_or(false);
    let database: String = row.try_get("", "db").unwrap_or_default();
    if !has_key {
        return Check::new(
            NAME,
            Status::Fail,
            "no context key (neonhub_private.context_key): run `make migrate`".to_owned(),
        );
    }
    let keys = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) FILTER (WHERE retired_at IS NULL) AS active, count(*) AS all_keys
               FROM neonhub_private.ticket_keys",
        ))
        .await;
    let (active, all) = match keys {
        Ok(Some(r)) => (
            r.try_get::<i64>("", "active").unwrap_or(0),
            r.try_get::<i64>("", "all_keys").unwrap_or(0),
        ),
        Ok(None) => (0, 0),
        Err(err) => return Check::new(NAME, Status::Warn, neonhub_db::describe(&err)),
    };
    let mut problems = Vec::new();
    if active == 0 {
        problems.push(format!(
            "no ticket key installed ({all} retired): the API cannot enter tenants with tickets \
             (JWT sign-ins, background jobs) nor create sign-in tokens; set NEONHUB_TICKET_KEYS \
             and run `make ticket-keys`"
        ));
    }
    if temp {
        problems.push(format!(
            "PUBLIC may create temporary tables in {database} (a copy made with CREATE DATABASE \
             … TEMPLATE?): REVOKE TEMPORARY ON DATABASE \"{database}\" FROM PUBLIC;"
        ));
    }
    if problems.is_empty() {
        Check::new(
            NAME,
            Status::Pass,
            format!("{active} ticket key(s) installed; no temporary tables for PUBLIC"),
        )
    } else {
        Check::new(NAME, Status::Warn, problems.join("; "))
    }
}
