-- m20261203_000100_tenant_write_rules (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP FUNCTION auth_use_verification_token(p_identifier text, p_token_hash text);
DROP FUNCTION auth_create_verification_token(p_identifier text, p_token_hash text, p_expires_at timestamptz);
DROP FUNCTION auth_user_id_by_email(p_email text);
DROP FUNCTION auth_api_key_by_token_hash(p_token_hash text);
DROP FUNCTION auth_session_by_token_hash(p_token_hash text);

ALTER TABLE verification_tokens DISABLE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON verification_tokens TO neonhub_app;

DROP TRIGGER connector_auths_organization_id_immutable ON connector_auths;

DROP TRIGGER feedback_organization_id_immutable ON feedback;

DROP TRIGGER tasks_organization_id_immutable ON tasks;

DROP TRIGGER content_drafts_organization_id_immutable ON content_drafts;

DROP TRIGGER agent_jobs_organization_id_immutable ON agent_jobs;

DROP TRIGGER team_members_organization_id_immutable ON team_members;

DROP FUNCTION tenant_organization_id_immutable();

ALTER FUNCTION audit_logs_append_only() SECURITY INVOKER RESET search_path;
GRANT EXECUTE ON FUNCTION audit_logs_append_only() TO PUBLIC;

GRANT UPDATE, DELETE ON audit_logs TO neonhub_app;

DROP TRIGGER organization_members_guard ON organization_members;
DROP FUNCTION organization_members_guard();

DROP POLICY users_update_self ON users;
DROP POLICY users_insert_self ON users;
DROP POLICY users_read ON users;
GRANT DELETE ON users TO neonhub_app;
CREATE POLICY users_tenant_isolation ON users TO neonhub_app
    USING (id = app_current_user_id() OR EXISTS (SELECT 1 FROM organization_members m
        WHERE m.user_id = users.id AND m.organization_id = app_current_org_id()))
    WITH CHECK (id = app_current_user_id() OR EXISTS (SELECT 1 FROM organization_members m
        WHERE m.user_id = users.id AND m.organization_id = app_current_org_id()));

CREATE OR REPLACE FUNCTION app_current_org_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.current_org_id', true), '')::uuid $$;
CREATE OR REPLACE FUNCTION app_current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.current_user_id', true), '')::uuid $$;
