//! Attribution is checked: a row the application writes names only people it may name.
//!
//! - Every column that names a user on an organization's row (`created_by_id`, `owner_id`,
//!   `author_id`, `assignee_id`, `user_id`, `invited_by_id`, …: the foreign keys to `users` at
//!   this point in history) must be the acting user or an active member of the row's
//!   organization, when the application role inserts the row or changes the column (trigger
//!   `<table>_attribution`). On a user's own row (no organization) it must be the acting user.
//!   Two columns confer authority and must be the acting user (or NULL): `audit_logs.user_id`
//!   (an entry's actor is who acted) and `api_keys.created_by_id` (a key acts as its creator:
//!   naming a co-member would hand the key that member's private rows).
//!   `organization_members` has its own rules (migration 20261207_000200); the user tables
//!   (sessions, accounts, …) are already the acting user's only, by their policies.
//! - Deleting an organization deletes its rows in the tables whose `organization_id` is
//!   nullable (`ON DELETE CASCADE` instead of `SET NULL`): an organization's row never becomes
//!   somebody's private row. `audit_logs` keeps its entries (append-only; the actor is the one
//!   who wrote them).
//!
//! Raw SQL: sea-query has no statements for triggers or functions.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables with columns naming users, at this point in history: (table, columns).
const ATTRIBUTED: &[(&str, &[&str])] = &[
    ("agent_jobs", &["created_by_id"]),
    ("api_keys", &["created_by_id"]),
    ("audit_logs", &["user_id"]),
    ("campaigns", &["owner_id"]),
    ("connector_auths", &["user_id"]),
    ("content", &["author_id"]),
    ("content_drafts", &["created_by_id"]),
    ("conversations", &["created_by_id"]),
    ("documents", &["owner_id"]),
    ("feedback", &["user_id"]),
    ("messages", &["author_id"]),
    ("tasks", &["created_by_id", "assignee_id"]),
    ("team_members", &["user_id", "invited_by_id"]),
];

/// Tables whose `organization_id` is nullable and was `ON DELETE SET NULL` (audit_logs apart).
const NULLABLE_ORG: &[&str] = &[
    "agent_jobs",
    "connector_auths",
    "content_drafts",
    "feedback",
    "tasks",
    "team_members",
];

/// Columns that must name the acting user: a key acts as its creator; an audit entry's actor
/// is who acted.
const ACTING_USER_ONLY: &[&str] = &["api_keys", "audit_logs"];

/// The check of one column: the acting user, or (except [`ACTING_USER_ONLY`]) an active member
/// of the row's organization.
fn column_check(table: &str, column: &str) -> String {
    let strict = ACTING_USER_ONLY.contains(&table);
    let members = if strict {
        String::new()
    } else {
        format!(
            "\n           AND NOT (NEW.organization_id IS NOT NULL AND EXISTS (
               SELECT 1 FROM public.organization_members m
                WHERE m.organization_id = NEW.organization_id
                  AND m.user_id = NEW.{column} AND m.status = 'active'))"
        )
    };
    let who = if strict {
        "the acting user"
    } else {
        "the acting user or an active member of the row''s organization"
    };
    format!(
        "    IF NEW.{column} IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.{column} IS DISTINCT FROM OLD.{column}) THEN
        -- The owner (migrations, seeds, bulk loads, operator commands) is not restricted;
        -- the context is read only when a user is named (most rows name nobody).
        IF NOT pg_catalog.row_security_active('public.{table}'::pg_catalog.regclass) THEN
            RETURN NEW;
        END IF;
        actor := coalesce(actor, public.app_current_user_id());
        IF NEW.{column} IS DISTINCT FROM actor{members} THEN
            RAISE EXCEPTION '{table}.{column} must name {who}'
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'A row names only people of its organization.';
        END IF;
    END IF;
"
    )
}

fn trigger_sql(table: &str, columns: &[&str]) -> String {
    let checks: String = columns.iter().map(|c| column_check(table, c)).collect();
    format!(
        r#"
CREATE FUNCTION {table}_attribution() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    actor uuid;
BEGIN
{checks}    RETURN NEW;
END
$$;
CREATE TRIGGER {table}_attribution BEFORE INSERT OR UPDATE OF {cols} ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_attribution();
"#,
        cols = columns.join(", ")
    )
}

fn org_fk_sql(table: &str, action: &str) -> String {
    format!(
        "-- Replaced right below by the same key with another ON DELETE action.
         -- squawk-ignore ban-drop-constraint
         ALTER TABLE {table} DROP CONSTRAINT {table}_organization_id_fkey;
         ALTER TABLE {table} ADD CONSTRAINT {table}_organization_id_fkey
             FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE {action}
             NOT VALID;\n"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, columns) in ATTRIBUTED {
            db.execute_unprepared(&trigger_sql(table, columns)).await?;
        }
        for table in NULLABLE_ORG {
            // The constraint is replaced NOT VALID (PostgreSQL cannot alter a foreign key's
            // action): it binds every new row and its action applies at once; migration
            // 20261207_020000 validates it in a transaction of its own, which blocks no reads
            // or writes.
            db.execute_unprepared(&org_fk_sql(table, "CASCADE")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in NULLABLE_ORG.iter().rev() {
            db.execute_unprepared(&org_fk_sql(table, "SET NULL"))
                .await?;
        }
        for (table, _) in ATTRIBUTED.iter().rev() {
            db.execute_unprepared(&format!(
                "DROP TRIGGER {table}_attribution ON {table};
                 DROP FUNCTION {table}_attribution();"
            ))
            .await?;
        }
        Ok(())
    }
}
