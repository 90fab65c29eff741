//! Tenant isolation against an attacker inside a tenant: write rules the first policies missed.
//!
//! - `users`: visible as before (the acting user, and active members of the current
//!   organization) but written only by that user (`id = app_current_user_id()`); the
//!   application role may not DELETE users at all (erasure is an operator command that keeps
//!   the organization's data: see docs/DB_GOVERNANCE.md).
//! - `organization_members`: for the application role, only the user themselves can make a
//!   membership `active` (another user's is created as `invited`), and a membership never moves to
//!   another user or organization (trigger `organization_members_guard`; RLS cannot see the old
//!   row). An invited user's profile stays hidden from the organization.
//! - `audit_logs`: the application role keeps INSERT and SELECT only; the append-only trigger
//!   runs as its owner with a fixed `search_path`, so "the user no longer exists" is judged on
//!   every row, not on the rows the caller's policy shows.
//! - Tables with a nullable `organization_id`: once set it never changes (trigger
//!   `<table>_organization_id_immutable`), except the ON DELETE SET NULL of a deleted
//!   organization, so an organization's row cannot become a user's private row.
//! - `verification_tokens`: no table rights for the application role and row-level security on
//!   (no policy: nothing visible); sign-in works through the definer functions below.
//! - Definer functions for the lookups that run before a tenant is known (`auth_*`): each with
//!   `SECURITY DEFINER`, a fixed `search_path`, schema-qualified names, EXECUTE revoked from
//!   PUBLIC and granted to `neonhub_app`, returning at most the one row asked for.
//! - `app_current_org_id()` / `app_current_user_id()` name every object with its schema
//!   (`pg_catalog.uuid`), so a temporary object called `uuid` cannot change them; they keep no
//!   `SET search_path` so that the planner can still inline them into policies.
//!
//! Raw SQL: sea-query has no statements for policies, grants, triggers or functions.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables with a nullable `organization_id` other than `audit_logs` (whose append-only trigger
/// already forbids the change), at this point in history.
const NULLABLE_ORG: &[&str] = &[
    "team_members",
    "agent_jobs",
    "content_drafts",
    "tasks",
    "feedback",
    "connector_auths",
];

const TENANT_FUNCTIONS: &str = r#"
CREATE OR REPLACE FUNCTION app_current_org_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(pg_catalog.current_setting('app.current_org_id', true), '')::pg_catalog.uuid $$;
CREATE OR REPLACE FUNCTION app_current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(pg_catalog.current_setting('app.current_user_id', true), '')::pg_catalog.uuid $$;
"#;

const TENANT_FUNCTIONS_DOWN: &str = r#"
CREATE OR REPLACE FUNCTION app_current_org_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.current_org_id', true), '')::uuid $$;
CREATE OR REPLACE FUNCTION app_current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.current_user_id', true), '')::uuid $$;
"#;

const USERS: &str = r#"
DROP POLICY users_tenant_isolation ON users;
REVOKE DELETE ON users FROM neonhub_app;
CREATE POLICY users_read ON users FOR SELECT TO neonhub_app
    USING (id = app_current_user_id() OR EXISTS (
        SELECT 1 FROM organization_members m
         WHERE m.user_id = users.id AND m.organization_id = app_current_org_id()
           AND m.status = 'active'));
CREATE POLICY users_insert_self ON users FOR INSERT TO neonhub_app
    WITH CHECK (id = app_current_user_id());
CREATE POLICY users_update_self ON users FOR UPDATE TO neonhub_app
    USING (id = app_current_user_id()) WITH CHECK (id = app_current_user_id());
"#;

const USERS_DOWN: &str = r#"
DROP POLICY users_update_self ON users;
DROP POLICY users_insert_self ON users;
DROP POLICY users_read ON users;
GRANT DELETE ON users TO neonhub_app;
CREATE POLICY users_tenant_isolation ON users TO neonhub_app
    USING (id = app_current_user_id() OR EXISTS (SELECT 1 FROM organization_members m
        WHERE m.user_id = users.id AND m.organization_id = app_current_org_id()))
    WITH CHECK (id = app_current_user_id() OR EXISTS (SELECT 1 FROM organization_members m
        WHERE m.user_id = users.id AND m.organization_id = app_current_org_id()));
"#;

const MEMBERS: &str = r#"
CREATE FUNCTION organization_members_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- The owner (migrations, seeds, operator commands) is not restricted here.
    IF NOT pg_catalog.row_security_active('public.organization_members'::pg_catalog.regclass) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.user_id IS DISTINCT FROM OLD.user_id
                             OR NEW.organization_id IS DISTINCT FROM OLD.organization_id) THEN
        RAISE EXCEPTION 'a membership never moves to another user or organization'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Delete the membership and invite the other user.';
    END IF;
    IF NEW.user_id IS DISTINCT FROM public.app_current_user_id()
       AND NEW.status = 'active'
       AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'active') THEN
        RAISE EXCEPTION 'only the user themselves can make a membership active'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Invite the user (status invited); they accept it acting as themselves.';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER organization_members_guard BEFORE INSERT OR UPDATE ON organization_members
    FOR EACH ROW EXECUTE FUNCTION organization_members_guard();
"#;

const MEMBERS_DOWN: &str = r#"
DROP TRIGGER organization_members_guard ON organization_members;
DROP FUNCTION organization_members_guard();
"#;

/// The body of `audit_logs_append_only()` (as in migration 1800) with the rights it runs with.
fn audit_function(definer: bool) -> String {
    let rights = if definer {
        "SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;\n\
         REVOKE ALL ON FUNCTION audit_logs_append_only() FROM PUBLIC"
    } else {
        "SECURITY INVOKER RESET search_path;\n\
         GRANT EXECUTE ON FUNCTION audit_logs_append_only() TO PUBLIC"
    };
    format!(
        r#"
ALTER FUNCTION audit_logs_append_only() {rights};
"#
    )
}

const AUDIT: &str = r#"
REVOKE UPDATE, DELETE ON audit_logs FROM neonhub_app;
"#;

const AUDIT_DOWN: &str = r#"
GRANT UPDATE, DELETE ON audit_logs TO neonhub_app;
"#;

const IMMUTABLE_ORG_FN: &str = r#"
CREATE FUNCTION tenant_organization_id_immutable() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- The ON DELETE SET NULL of a deleted organization is the one allowed change.
    IF EXISTS (SELECT 1 FROM public.organizations o WHERE o.id = OLD.organization_id) THEN
        RAISE EXCEPTION '%.organization_id cannot change once set', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An organization''s row stays the organization''s: copy it instead.';
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION tenant_organization_id_immutable() FROM PUBLIC;
"#;

const VERIFICATION_TOKENS: &str = r#"
REVOKE ALL ON verification_tokens FROM neonhub_app;
ALTER TABLE verification_tokens ENABLE ROW LEVEL SECURITY;
"#;

const VERIFICATION_TOKENS_DOWN: &str = r#"
ALTER TABLE verification_tokens DISABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON verification_tokens TO neonhub_app;
"#;

/// The definer functions: (signature, returns, language, body).
const AUTH_FUNCTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "auth_session_by_token_hash(p_token_hash text)",
        "TABLE (session_id uuid, user_id uuid, expires_at timestamptz)",
        "sql STABLE",
        "SELECT s.id, s.user_id, s.expires_at FROM public.sessions s
          WHERE s.token_hash = p_token_hash AND s.expires_at > pg_catalog.now()",
    ),
    (
        "auth_api_key_by_token_hash(p_token_hash text)",
        "TABLE (api_key_id uuid, organization_id uuid, created_by_id uuid, scopes text[], \
         expires_at timestamptz)",
        "sql STABLE",
        "SELECT k.id, k.organization_id, k.created_by_id, k.scopes, k.expires_at
           FROM public.api_keys k
          WHERE k.token_hash = p_token_hash AND k.revoked_at IS NULL
            AND (k.expires_at IS NULL OR k.expires_at > pg_catalog.now())",
    ),
    (
        "auth_user_id_by_email(p_email text)",
        "uuid",
        "sql STABLE",
        "SELECT u.id FROM public.users u WHERE pg_catalog.lower(u.email) = pg_catalog.lower(p_email)",
    ),
    (
        "auth_create_verification_token(p_identifier text, p_token_hash text, p_expires_at timestamptz)",
        "void",
        "sql VOLATILE",
        "INSERT INTO public.verification_tokens (identifier, token_hash, expires_at)
         VALUES (p_identifier, p_token_hash, p_expires_at)",
    ),
    (
        "auth_use_verification_token(p_identifier text, p_token_hash text)",
        "boolean",
        "sql VOLATILE",
        "WITH used AS (
             DELETE FROM public.verification_tokens t
              WHERE t.identifier = p_identifier AND t.token_hash = p_token_hash
              RETURNING t.expires_at)
         SELECT COALESCE(pg_catalog.bool_or(expires_at > pg_catalog.now()), false) FROM used",
    ),
];

fn auth_functions_sql() -> String {
    AUTH_FUNCTIONS
        .iter()
        .map(|(signature, returns, language, body)| {
            format!(
                "CREATE FUNCTION {signature} RETURNS {returns}
    LANGUAGE {language} SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $fn$ {body} $fn$;
REVOKE ALL ON FUNCTION {signature} FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {signature} TO neonhub_app;
"
            )
        })
        .collect()
}

fn auth_functions_down_sql() -> String {
    AUTH_FUNCTIONS
        .iter()
        .rev()
        .map(|(signature, ..)| format!("DROP FUNCTION {signature};\n"))
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(TENANT_FUNCTIONS).await?;
        db.execute_unprepared(USERS).await?;
        db.execute_unprepared(MEMBERS).await?;
        db.execute_unprepared(AUDIT).await?;
        db.execute_unprepared(&audit_function(true)).await?;
        db.execute_unprepared(IMMUTABLE_ORG_FN).await?;
        for table in NULLABLE_ORG {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_organization_id_immutable BEFORE UPDATE OF organization_id \
                 ON {table} FOR EACH ROW WHEN (OLD.organization_id IS NOT NULL \
                 AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) \
                 EXECUTE FUNCTION tenant_organization_id_immutable()"
            ))
            .await?;
        }
        db.execute_unprepared(VERIFICATION_TOKENS).await?;
        db.execute_unprepared(&auth_functions_sql()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&auth_functions_down_sql()).await?;
        db.execute_unprepared(VERIFICATION_TOKENS_DOWN).await?;
        for table in NULLABLE_ORG.iter().rev() {
            db.execute_unprepared(&format!(
                "DROP TRIGGER {table}_organization_id_immutable ON {table}"
            ))
            .await?;
        }
        db.execute_unprepared("DROP FUNCTION tenant_organization_id_immutable()")
            .await?;
        db.execute_unprepared(&audit_function(false)).await?;
        db.execute_unprepared(AUDIT_DOWN).await?;
        db.execute_unprepared(MEMBERS_DOWN).await?;
        db.execute_unprepared(USERS_DOWN).await?;
        db.execute_unprepared(TENANT_FUNCTIONS_DOWN).await?;
        Ok(())
    }
}
