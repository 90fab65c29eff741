//! The application role's checks: who may log in as the application (members of
//! `neonhub_app`), leftovers of killed benches and tests among them, application sessions that
//! stall others, and settings stored on the application's roles.
//!
//! - **Application logins**: fails when no LOGIN role is a member of `neonhub_app` (the API
//!   cannot work under row-level security; a rollback past the tenant-isolation migration
//!   drops the role and its grants); warns about members that look like leftovers of a killed
//!   `bench` (`neonhub_bench_*`) or test (`neonhub_api_<12 hex>`) with no session, with the
//!   statements that remove them.
//! - **Application sessions**: warns about sessions of the application's roles in this
//!   database idle in a transaction, or blocking another session's lock wait, for longer than
//!   [`DoctorOptions::stuck_after`] (30 s), each with the `pg_terminate_backend` that ends it.
//! - **Application role settings**: settings stored in `pg_db_role_setting` on `neonhub_app` or
//!   on an application login that are not the expected ones (SQL injection can run
//!   `ALTER ROLE self SET statement_timeout = '1ms'`), with the `ALTER ROLE … RESET` that
//!   removes each; and the expected limits missing on an application login
//!   ([`EXPECTED_LOGIN_SETTINGS`], set by `make db-up` and the production set-up).

use super::{Check, Status};
use neonhub_db::app_role::quote_ident;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::time::Duration;

/// The settings an application login carries (`ALTER ROLE … SET`), with their values.
pub const EXPECTED_LOGIN_SETTINGS: [(&str, &str); 3] = [
    ("statement_timeout", "30s"),
    ("lock_timeout", "5s"),
    ("idle_in_transaction_session_timeout", "60s"),
];

/// Options of the readiness report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorOptions {
    /// An application session idle in a transaction, or blocking another's lock wait, for
    /// longer than this is reported.
    pub stuck_after: Duration,
}

impl Default for DoctorOptions {
    fn default() -> Self {
        Self {
            stuck_after: Duration::from_secs(30),
        }
    }
}

/// The roles that have `role`'s rights, directly or through other roles: members by a grant
/// with INHERIT or SET ([`neonhub_db::app_role::GRANTS_RIGHTS`]; not the owner that created the
/// role without them, as a non-superuser owner on PostgreSQL 16 does).
fn members_cte() -> String {
    let rights = neonhub_db::app_role::GRANTS_RIGHTS;
    format!(
        "WITH RECURSIVE members(oid) AS (
             SELECT a.member FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid
              WHERE r.rolname = $1 AND {rights}
             UNION
             SELECT a.member FROM pg_auth_members a JOIN members m ON a.roleid = m.oid
              WHERE {rights}
         )"
    )
}

/// The LOGIN roles, not superusers, that are members of `role` directly or through other
/// roles ([`members_cte`]), as `(name, has a session now)`.
const LOGINS: &str = "
    SELECT r.rolname::text AS name,
           EXISTS (SELECT 1 FROM pg_stat_activity s WHERE s.usesysid = r.oid) AS connected
      FROM pg_roles r
     WHERE r.oid IN (SELECT oid FROM members) AND r.rolcanlogin AND NOT r.rolsuper
     ORDER BY r.rolname";

/// A login's name, and whether it has a session now.
type Login = (String, bool);

/// Whether `name` looks like a login a killed `bench` or test left behind.
pub fn looks_like_leftover(name: &str) -> bool {
    let hex_tail = |prefix: &str, len: Option<usize>| {
        name.strip_prefix(prefix).is_some_and(|tail| {
            !tail.is_empty()
                && len.is_none_or(|n| tail.len() == n)
                && tail.chars().all(|c| c.is_ascii_hexdigit())
        })
    };
    hex_tail("neonhub_bench_", None) || hex_tail("neonhub_api_", Some(12))
}

/// The three checks, for the application role `role` (`neonhub_app`; tests name a scratch
/// role).
pub async fn app_role_checks(
    db: &DatabaseConnection,
    role: &str,
    options: &DoctorOptions,
) -> Vec<Check> {
    vec![
        logins(db, role).await,
        sessions(db, role, options).await,
        settings(db, role).await,
    ]
}

async fn query(
    db: &DatabaseConnection,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<sea_orm::QueryResult>, String> {
    db.query_all_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .await
    .map_err(|e| neonhub_db::describe(&e))
}

async fn logins(db: &DatabaseConnection, role: &str) -> Check {
    const NAME: &str = "Application logins";
    let exists = query(
        db,
        "SELECT 1 AS one FROM pg_roles WHERE rolname = $1",
        vec![role.into()],
    )
    .await;
    match exists {
        Err(err) => return Check::new(NAME, Status::Warn, format!("cannot read roles: {err}")),
        Ok(rows) if rows.is_empty() => {
            return Check::new(
                NAME,
                Status::Fail,
                format!(
                    "the application role {role} does not exist: run `make migrate`, then \
                     grant it to the API's login (GRANT {role} TO <login>;)"
                ),
            );
        }
        Ok(_) => {}
    }
    let sql = format!("{}{LOGINS}", members_cte());
    let rows = match query(db, &sql, vec![role.into()]).await {
        Ok(rows) => rows,
        Err(err) => {
            return Check::new(NAME, Status::Warn, format!("cannot read members: {err}"));
        }
    };
    let logins: Vec<Login> = rows
        .iter()
        .filter_map(|r| {
            Some((
                r.try_get("", "name").ok()?,
                r.try_get("", "connected").ok()?,
            ))
        })
        .collect();
    let (leftovers, real): (Vec<&Login>, Vec<&Login>) = logins
        .iter()
        .partition(|(name, connected)| looks_like_leftover(name) && !connected);
    if logins.is_empty() {
        return Check::new(
            NAME,
            Status::Fail,
            format!(
                "no LOGIN role is a member of {role}: the application cannot connect under \
                 row-level security. As the owner, create the API's login and grant it the role \
                 (CREATE ROLE api LOGIN; GRANT {role} TO api; with the README's timeouts), or \
                 after a rollback past the tenant-isolation migration grant it again (GRANT \
                 {role} TO <the API's login>;); `make db-up` does it for the local server"
            ),
        );
    }
    let mut details: Vec<String> = real
        .iter()
        .map(|(name, connected)| {
            format!("{name}{}", if *connected { " (connected now)" } else { "" })
        })
        .collect();
    if leftovers.is_empty() {
        return Check::new(
            NAME,
            Status::Pass,
            format!("{} login(s) granted {role}", logins.len()),
        )
        .with_details(details);
    }
    details.extend(leftovers.iter().map(|(name, _)| {
        let ident = quote_ident(name);
        format!(
            "{name}: looks like the login of a killed bench or test (no session): remove it with \
             DROP OWNED BY {ident}; (in each database that grants it something) then \
             DROP ROLE {ident};"
        )
    }));
    Check::new(
        NAME,
        Status::Warn,
        format!(
            "{} login(s) granted {role}, {} of them leftovers of killed benches or tests",
            logins.len(),
            leftovers.len()
        ),
    )
    .with_details(details)
}

async fn sessions(db: &DatabaseConnection, role: &str, options: &DoctorOptions) -> Check {
    const NAME: &str = "Application sessions";
    let sql = format!(
        "{members},
         app AS (
             SELECT s.* FROM pg_stat_activity s
              WHERE s.datname = current_database() AND s.pid <> pg_backend_pid()
                AND s.usesysid IN (SELECT oid FROM members)
         ),
         waits AS (
             SELECT w.pid, b.pid AS blocker,
                    extract(epoch FROM now() - coalesce(
                        (SELECT min(l.waitstart) FROM pg_locks l
                          WHERE l.pid = w.pid AND NOT l.granted), w.query_start))::bigint AS secs
               FROM pg_stat_activity w, unnest(pg_blocking_pids(w.pid)) AS b(pid)
              WHERE w.datname = current_database() AND w.wait_event_type = 'Lock'
         )
         SELECT a.pid, a.usename::text AS role, coalesce(a.application_name, '') AS app,
                a.state,
                extract(epoch FROM now() - a.state_change)::bigint AS idle,
                (SELECT count(*) FROM waits WHERE waits.blocker = a.pid
                    AND waits.secs > {secs}) AS blocked,
                (SELECT max(secs) FROM waits WHERE waits.blocker = a.pid) AS longest,
                left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 80) AS query
           FROM app a
          ORDER BY a.pid",
        secs = options.stuck_after.as_secs(),
        members = members_cte()
    );
    let rows = match query(db, &sql, vec![role.into()]).await {
        Ok(rows) => rows,
        Err(err) => {
            return Check::new(NAME, Status::Warn, format!("cannot read sessions: {err}"));
        }
    };
    let threshold = options.stuck_after.as_secs() as i64;
    let mut stuck = Vec::new();
    let mut hidden = 0;
    for row in &rows {
        let pid: i32 = row.try_get("", "pid").unwrap_or_default();
        let state: Option<String> = row.try_get("", "state").ok().flatten();
        let idle: Option<i64> = row.try_get("", "idle").ok().flatten();
        let blocked: i64 = row.try_get("", "blocked").unwrap_or_default();
        let Some(state) = state else {
            hidden += 1;
            continue;
        };
        let idle_in_transaction =
            state.starts_with("idle in transaction") && idle.is_some_and(|s| s > threshold);
        if !idle_in_transaction && blocked == 0 {
            continue;
        }
        let role_name: String = row.try_get("", "role").unwrap_or_default();
        let app: String = row.try_get("", "app").unwrap_or_default();
        let query_text: String = row.try_get("", "query").unwrap_or_default();
        let mut what = Vec::new();
        if idle_in_transaction {
            what.push(format!("{state} for {} s", idle.unwrap_or_default()));
        }
        if blocked > 0 {
            let longest: i64 = row
                .try_get::<Option<i64>>("", "longest")
                .ok()
                .flatten()
                .unwrap_or_default();
            what.push(format!(
                "blocking {blocked} session(s), the longest waiting {longest} s"
            ));
        }
        stuck.push(format!(
            "pid {pid} (role {role_name}, application '{app}'): {}; last statement: {query_text}. \
             End it: SELECT pg_terminate_backend({pid});",
            what.join(", ")
        ));
    }
    let mut details = stuck.clone();
    if hidden > 0 {
        details.push(format!(
            "{hidden} application session(s) of other roles are not visible to this role (grant \
             it pg_read_all_stats to see their state)"
        ));
    }
    if stuck.is_empty() {
        Check::new(
            NAME,
            if hidden > 0 {
                Status::Info
            } else {
                Status::Pass
            },
            format!(
                "{} session(s) of {role}'s members here; none idle in a transaction or blocking \
                 others for more than {threshold} s",
                rows.len()
            ),
        )
        .with_details(details)
    } else {
        Check::new(
            NAME,
            Status::Warn,
            format!(
                "{} application session(s) idle in a transaction or blocking others for more \
                 than {threshold} s: end them (details), then find the request that left them",
                stuck.len()
            ),
        )
        .with_details(details)
    }
}

/// A time setting in milliseconds (`30s`, `30000`, `'1min'`), for comparing values.
fn millis(value: &str) -> Option<u64> {
    let value = value.trim().trim_matches('\'').trim_matches('"').trim();
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "" | "ms" => 1,
        "s" => 1_000,
        "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    Some(number * factor)
}

async fn settings(db: &DatabaseConnection, role: &str) -> Check {
    const NAME: &str = "Application role settings";
    let sql = format!(
        "{},
         roles AS (
             SELECT oid, rolname, rolcanlogin FROM pg_roles
              WHERE rolname = $1
                 OR (oid IN (SELECT oid FROM members) AND rolcanlogin AND NOT rolsuper)
         )
         SELECT r.rolname::text AS role, r.rolname = $1 AS app_role,
                coalesce(d.datname::text, '') AS db, setting
           FROM roles r
           JOIN pg_db_role_setting s ON s.setrole = r.oid
           LEFT JOIN pg_database d ON d.oid = s.setdatabase,
                unnest(s.setconfig) AS setting
          WHERE s.setdatabase = 0 OR d.datname = current_database()
         UNION ALL
         SELECT r.rolname::text, false, NULL, NULL FROM roles r WHERE r.rolname <> $1
          ORDER BY 1, 3 NULLS FIRST, 4",
        members_cte()
    );
    let rows = match query(db, &sql, vec![role.into()]).await {
        Ok(rows) => rows,
        Err(err) => {
            return Check::new(
                NAME,
                Status::Warn,
                format!("cannot read pg_db_role_setting: {err}"),
            );
        }
    };
    let mut unexpected = Vec::new();
    let mut missing = Vec::new();
    let mut logins: Vec<String> = Vec::new();
    // The settings each login carries, expected or not (what is missing is counted from it).
    let mut found: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for row in &rows {
        let name: String = row.try_get("", "role").unwrap_or_default();
        let app_role: bool = row.try_get("", "app_role").unwrap_or_default();
        let database: Option<String> = row.try_get("", "db").ok().flatten();
        let setting: Option<String> = row.try_get("", "setting").ok().flatten();
        let Some(setting) = setting else {
            logins.push(name);
            continue;
        };
        let (key, value) = setting.split_once('=').unwrap_or((setting.as_str(), ""));
        if !app_role {
            found.entry(name.clone()).or_default().push(key.to_owned());
        }
        let ident = quote_ident(&name);
        let scope = match database.as_deref() {
            Some(d) if !d.is_empty() => format!(" IN DATABASE {}", quote_ident(d)),
            _ => String::new(),
        };
        let expected = EXPECTED_LOGIN_SETTINGS
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v);
        let fine = !app_role
            && scope.is_empty()
            && expected.is_some_and(|e| millis(e).is_some() && millis(e) == millis(value));
        if fine {
            continue;
        }
        let mut fix = format!("ALTER ROLE {ident}{scope} RESET {key};");
        if let (Some(e), false) = (expected, app_role) {
            fix.push_str(&format!(" ALTER ROLE {ident} SET {key} = '{e}';"));
        }
        unexpected.push(format!(
            "{name}{}: {key}={value} is not expected{}: {fix}",
            database
                .as_deref()
                .filter(|d| !d.is_empty())
                .map(|d| format!(" in database {d}"))
                .unwrap_or_default(),
            if app_role {
                format!(" on {role} itself (it applies to every member)")
            } else {
                expected
                    .map(|e| format!(" (expected {e})"))
                    .unwrap_or_default()
            }
        ));
    }
    for login in logins.iter().filter(|l| !looks_like_leftover(l)) {
        let have = found.get(login).cloned().unwrap_or_default();
        let lacking: Vec<String> = EXPECTED_LOGIN_SETTINGS
            .iter()
            .filter(|(k, _)| !have.iter().any(|h| h == k))
            .map(|(k, v)| format!("ALTER ROLE {} SET {k} = '{v}';", quote_ident(login)))
            .collect();
        if !lacking.is_empty() {
            missing.push(format!(
                "{login}: {} of statement_timeout, lock_timeout, \
                 idle_in_transaction_session_timeout unset (`make db-up` sets them on the local \
                 server): {}",
                lacking.len(),
                lacking.join(" ")
            ));
        }
    }
    let mut details = unexpected.clone();
    details.extend(missing.iter().cloned());
    let status = if unexpected.is_empty() && missing.is_empty() {
        Status::Pass
    } else {
        Status::Warn
    };
    let summary = match (unexpected.len(), missing.len()) {
        (0, 0) => format!(
            "{} application login(s) carry the expected limits and nothing else",
            logins.len()
        ),
        (0, n) => format!("{n} application login(s) lack some of the expected limits"),
        (u, 0) => format!("{u} unexpected setting(s) stored on the application's roles"),
        (u, n) => format!(
            "{u} unexpected setting(s) stored on the application's roles; {n} login(s) lack \
             some of the expected limits"
        ),
    };
    Check::new(NAME, status, summary).with_details(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_told_from_real_logins() {
        assert!(looks_like_leftover("neonhub_bench_0a1b2c3d4e5f"));
        assert!(looks_like_leftover("neonhub_api_0123456789ab"));
        assert!(!looks_like_leftover("neonhub_api"));
        assert!(!looks_like_leftover("neonhub_api_prod"));
        assert!(!looks_like_leftover("neonhub_bench_"));
    }

    #[test]
    fn time_settings_compare_by_value() {
        assert_eq!(millis("30s"), Some(30_000));
        assert_eq!(millis("30000"), Some(30_000));
        assert_eq!(millis("'1min'"), Some(60_000));
        assert_eq!(millis("1ms"), Some(1));
        assert_eq!(millis("soon"), None);
    }
}
