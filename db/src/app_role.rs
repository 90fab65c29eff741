//! The application role `neonhub_app` (created by the tenant-isolation migration) and the
//! logins granted it: what the migration runner records before a rollback that may drop the
//! role, and what `doctor` checks.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// The application role: NOLOGIN, row-level security applies to its members.
pub const APP_ROLE: &str = "neonhub_app";

/// A role granted [`APP_ROLE`] directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its name.
    pub name: String,
    /// Whether it may log in.
    pub login: bool,
    /// Whether it holds the grant WITH ADMIN OPTION.
    pub admin: bool,
}

impl Member {
    /// The statement that grants it the role again.
    pub fn grant_sql(&self) -> String {
        format!(
            "GRANT {APP_ROLE} TO {}{};",
            quote_ident(&self.name),
            if self.admin { " WITH ADMIN OPTION" } else { "" }
        )
    }
}

/// `name` as an SQL identifier, quoted when it needs to be.
pub fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.chars().next().is_some_and(|c| !c.is_ascii_digit());
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// SQL that is true when the `pg_auth_members` row aliased `a` gives its member the role's
/// rights (PostgreSQL 16+: INHERIT or SET; every grant before 16). A non-superuser with
/// CREATEROLE that creates a role (Neon's `neondb_owner` running the migrations) is granted it
/// WITH ADMIN OPTION but neither INHERIT nor SET: it may grant the role, it does not act as it,
/// and it is no application login. Read through `to_jsonb` so that servers before 16, which lack
/// the columns, accept it.
pub const GRANTS_RIGHTS: &str = "coalesce((to_jsonb(a) ->> 'inherit_option')::boolean \
     OR (to_jsonb(a) ->> 'set_option')::boolean, true)";

/// Whether [`APP_ROLE`] exists on the server.
pub async fn exists<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    Ok(db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS one FROM pg_roles WHERE rolname = $1",
            [APP_ROLE.into()],
        ))
        .await?
        .is_some())
}

/// The roles granted `role` directly (`pg_auth_members`) with its rights ([`GRANTS_RIGHTS`]),
/// by name.
pub async fn members_of<C: ConnectionTrait>(db: &C, role: &str) -> Result<Vec<Member>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT m.rolname::text AS name, m.rolcanlogin AS login,
                        bool_or(a.admin_option) AS admin
                   FROM pg_auth_members a
                   JOIN pg_roles r ON r.oid = a.roleid
                   JOIN pg_roles m ON m.oid = a.member
                  WHERE r.rolname = $1 AND {GRANTS_RIGHTS}
                  GROUP BY m.rolname, m.rolcanlogin
                  ORDER BY m.rolname"
            ),
            [role.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Member {
                name: row.try_get("", "name")?,
                login: row.try_get("", "login")?,
                admin: row.try_get("", "admin")?,
            })
        })
        .collect()
}

/// The roles granted [`APP_ROLE`] directly.
pub async fn members<C: ConnectionTrait>(db: &C) -> Result<Vec<Member>, DbErr> {
    members_of(db, APP_ROLE).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_quote_what_needs_it() {
        let member = |name: &str, admin| Member {
            name: name.into(),
            login: true,
            admin,
        };
        assert_eq!(
            member("neonhub_api", false).grant_sql(),
            "GRANT neonhub_app TO neonhub_api;"
        );
        assert_eq!(
            member("Api-Login", true).grant_sql(),
            "GRANT neonhub_app TO \"Api-Login\" WITH ADMIN OPTION;"
        );
    }
}
