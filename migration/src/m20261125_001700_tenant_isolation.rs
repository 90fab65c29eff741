//! Tenant isolation: the application role `neonhub_app` and row-level security.
//!
//! - `neonhub_app` (NOLOGIN) may SELECT, INSERT, UPDATE and DELETE rows of the schema's tables,
//!   nothing else: no DDL, owns nothing, no BYPASSRLS. API login roles are granted it.
//! - The tenant is a transaction-local setting, `app.current_org_id` (and the acting user,
//!   `app.current_user_id`), read by `app_current_org_id()` / `app_current_user_id()`. Unset
//!   means NULL, and NULL matches nothing: no tenant, no rows.
//! - Tables with `organization_id` show the current tenant's rows. Where `organization_id` is
//!   nullable, a NULL row is user-level: visible to its owner (the user column named below).
//! - Tables reached through a parent show a row when its parent row is visible (an EXISTS on the
//!   parent's primary key, so the parent's own policy decides, through an index).
//! - User-level tables show the acting user's rows; `users` shows the acting user and the members
//!   of the current organization; `organizations` shows the current one.
//! - `connectors` (the global catalogue) is readable by the application and written only by the
//!   owner. `verification_tokens` (hashes looked up before sign-in) and `metric_events` (product
//!   telemetry, no tenant) have no row-level security.
//!
//! RLS is enabled, not forced: the owner role that runs migrations and seeds is unaffected.
//! Raw SQL: sea-query has no statements for roles, grants or policies.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The application role.
const APP_ROLE: &str = "neonhub_app";

/// Every table of the schema at this point in history (the application may touch their rows).
const TABLES: &[&str] = &[
    "users",
    "accounts",
    "sessions",
    "verification_tokens",
    "user_settings",
    "organizations",
    "organization_roles",
    "organization_permissions",
    "role_permissions",
    "organization_members",
    "api_keys",
    "team_members",
    "embedding_spaces",
    "brands",
    "brand_voices",
    "brand_assets",
    "agents",
    "agent_capabilities",
    "agent_configs",
    "agent_runs",
    "agent_run_metrics",
    "tools",
    "tool_executions",
    "agent_jobs",
    "conversations",
    "messages",
    "datasets",
    "documents",
    "chunks",
    "model_versions",
    "training_jobs",
    "inference_endpoints",
    "content",
    "content_drafts",
    "campaigns",
    "campaign_metrics",
    "email_sequences",
    "social_posts",
    "ab_tests",
    "metric_events",
    "subscriptions",
    "invoices",
    "usage_records",
    "tasks",
    "feedback",
    "audit_logs",
    "connectors",
    "connector_auths",
    "trigger_configs",
    "action_configs",
    "credentials",
];

/// Tables whose `organization_id` is NOT NULL.
const TENANT: &[&str] = &[
    "organization_roles",
    "organization_permissions",
    "organization_members",
    "api_keys",
    "embedding_spaces",
    "brands",
    "agents",
    "agent_runs",
    "tools",
    "conversations",
    "messages",
    "datasets",
    "documents",
    "chunks",
    "model_versions",
    "inference_endpoints",
    "content",
    "campaigns",
];

/// Tables whose `organization_id` is nullable, with the column naming a user-level row's owner.
const TENANT_OR_USER: &[(&str, &str)] = &[
    ("team_members", "user_id"),
    ("agent_jobs", "created_by_id"),
    ("content_drafts", "created_by_id"),
    ("tasks", "created_by_id"),
    ("feedback", "user_id"),
    ("audit_logs", "user_id"),
    ("connector_auths", "user_id"),
];

/// Tables reached through a parent: (table, foreign key column, parent table).
const CHILDREN: &[(&str, &str, &str)] = &[
    ("role_permissions", "role_id", "organization_roles"),
    ("brand_voices", "brand_id", "brands"),
    ("brand_assets", "brand_id", "brands"),
    ("agent_capabilities", "agent_id", "agents"),
    ("agent_configs", "agent_id", "agents"),
    ("agent_run_metrics", "agent_run_id", "agent_runs"),
    ("tool_executions", "tool_id", "tools"),
    ("training_jobs", "model_version_id", "model_versions"),
    ("campaign_metrics", "campaign_id", "campaigns"),
    ("email_sequences", "campaign_id", "campaigns"),
    ("social_posts", "campaign_id", "campaigns"),
    ("ab_tests", "campaign_id", "campaigns"),
    ("invoices", "subscription_id", "subscriptions"),
    ("usage_records", "subscription_id", "subscriptions"),
    ("trigger_configs", "connector_auth_id", "connector_auths"),
    ("action_configs", "connector_auth_id", "connector_auths"),
];

/// User-level tables: the acting user's rows.
const USER_OWNED: &[&str] = &[
    "accounts",
    "sessions",
    "user_settings",
    "subscriptions",
    "credentials",
];

/// Every table that gets row-level security, with its policy's condition.
fn policies() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for t in TENANT {
        out.push((*t, "organization_id = app_current_org_id()".to_owned()));
    }
    for (t, owner) in TENANT_OR_USER {
        out.push((
            *t,
            format!(
                "organization_id = app_current_org_id() \
                 OR (organization_id IS NULL AND {owner} = app_current_user_id())"
            ),
        ));
    }
    for (t, fk, parent) in CHILDREN {
        out.push((
            *t,
            format!("EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {t}.{fk})"),
        ));
    }
    for t in USER_OWNED {
        out.push((*t, "user_id = app_current_user_id()".to_owned()));
    }
    out.push(("organizations", "id = app_current_org_id()".to_owned()));
    out.push((
        "users",
        "id = app_current_user_id() OR EXISTS (SELECT 1 FROM organization_members m \
         WHERE m.user_id = users.id AND m.organization_id = app_current_org_id())"
            .to_owned(),
    ));
    out
}

/// Create `role` unless it exists. Roles are cluster-wide: two databases of one cluster migrated
/// at the same moment both find it missing, and the loser of the race gets `unique_violation`.
fn ensure_role_sql(role: &str) -> String {
    format!(
        "DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
        CREATE ROLE {role} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    -- Another database of this cluster created the role at the same moment: reuse it.
    NULL;
END
$$;"
    )
}

const SETUP: &str = r#"
CREATE FUNCTION app_current_org_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.current_org_id', true), '')::uuid $$;
CREATE FUNCTION app_current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.current_user_id', true), '')::uuid $$;
GRANT USAGE ON SCHEMA public TO neonhub_app;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&ensure_role_sql(APP_ROLE)).await?;
        db.execute_unprepared(SETUP).await?;
        db.execute_unprepared(&format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {APP_ROLE}",
            TABLES.join(", ")
        ))
        .await?;
        for (table, condition) in policies() {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY {table}_tenant_isolation ON {table} TO {APP_ROLE}
                     USING ({condition}) WITH CHECK ({condition})"
            ))
            .await?;
        }
        db.execute_unprepared(&format!(
            "ALTER TABLE connectors ENABLE ROW LEVEL SECURITY;
             CREATE POLICY connectors_read_only ON connectors FOR SELECT TO {APP_ROLE} USING (true)"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "DROP POLICY connectors_read_only ON connectors;
             ALTER TABLE connectors DISABLE ROW LEVEL SECURITY",
        )
        .await?;
        for (table, _) in policies().into_iter().rev() {
            db.execute_unprepared(&format!(
                "DROP POLICY {table}_tenant_isolation ON {table};
                 ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"
            ))
            .await?;
        }
        db.execute_unprepared(&format!(
            "REVOKE ALL ON {} FROM {APP_ROLE};
             REVOKE USAGE ON SCHEMA public FROM {APP_ROLE};
             DROP FUNCTION app_current_user_id();
             DROP FUNCTION app_current_org_id();",
            TABLES.join(", ")
        ))
        .await?;
        // The role is cluster-wide: other databases of the cluster may still grant it rights,
        // in which case it stays (and is reused by their migrations).
        db.execute_unprepared(
            "DO $$
             BEGIN
                 DROP ROLE IF EXISTS neonhub_app;
             EXCEPTION WHEN dependent_objects_still_exist THEN
                 RAISE NOTICE 'role neonhub_app is still used by another database; kept';
             END
             $$",
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::ensure_role_sql;
    use neonhub_db::{DatabaseUrl, connect};
    use sea_orm_migration::sea_orm::{ConnectionTrait, TransactionTrait};
    use std::time::Duration;

    /// Eight migrations of different databases on one cluster create the role at once: all
    /// succeed (the race lost the first CI run of this workspace).
    #[tokio::test]
    async fn concurrent_role_creation_on_one_cluster_succeeds() {
        let url = DatabaseUrl::resolve(None).expect("DATABASE_URL (run `make db-up`)");
        let role = format!("neonhub_race_{}", std::process::id());
        let sql = ensure_role_sql(&role);
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (url, sql) = (url.clone(), sql.clone());
                tokio::spawn(async move {
                    let db = connect(&url, Duration::from_secs(30), 1).await.unwrap();
                    let txn = db.begin().await.unwrap();
                    let result = txn.execute_unprepared(&sql).await;
                    // Hold the transaction open so that the others block on the same role name.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    txn.commit().await.unwrap();
                    result.map(|_| ())
                })
            })
            .collect();
        let mut errors = Vec::new();
        for task in tasks {
            if let Err(err) = task.await.unwrap() {
                errors.push(err.to_string());
            }
        }
        let db = connect(&url, Duration::from_secs(30), 1).await.unwrap();
        db.execute_unprepared(&format!("DROP ROLE {role}"))
            .await
            .unwrap();
        assert!(errors.is_empty(), "{errors:?}");
    }
}
