-- m20261203_000100_tenant_write_rules (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE OR REPLACE FUNCTION app_current_org_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(pg_catalog.current_setting('app.current_org_id', true), '')::pg_catalog.uuid $$;
CREATE OR REPLACE FUNCTION app_current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(pg_catalog.current_setting('app.current_user_id', true), '')::pg_catalog.uuid $$;

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

REVOKE UPDATE, DELETE ON audit_logs FROM neonhub_app;

ALTER FUNCTION audit_logs_append_only() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
REVOKE ALL ON FUNCTION audit_logs_append_only() FROM PUBLIC;

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

CREATE TRIGGER team_members_organization_id_immutable BEFORE UPDATE OF organization_id ON team_members FOR EACH ROW WHEN (OLD.organization_id IS NOT NULL AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) EXECUTE FUNCTION tenant_organization_id_immutable();

CREATE TRIGGER agent_jobs_organization_id_immutable BEFORE UPDATE OF organization_id ON agent_jobs FOR EACH ROW WHEN (OLD.organization_id IS NOT NULL AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) EXECUTE FUNCTION tenant_organization_id_immutable();

CREATE TRIGGER content_drafts_organization_id_immutable BEFORE UPDATE OF organization_id ON content_drafts FOR EACH ROW WHEN (OLD.organization_id IS NOT NULL AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) EXECUTE FUNCTION tenant_organization_id_immutable();

CREATE TRIGGER tasks_organization_id_immutable BEFORE UPDATE OF organization_id ON tasks FOR EACH ROW WHEN (OLD.organization_id IS NOT NULL AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) EXECUTE FUNCTION tenant_organization_id_immutable();

CREATE TRIGGER feedback_organization_id_immutable BEFORE UPDATE OF organization_id ON feedback FOR EACH ROW WHEN (OLD.organization_id IS NOT NULL AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) EXECUTE FUNCTION tenant_organization_id_immutable();

CREATE TRIGGER connector_auths_organization_id_immutable BEFORE UPDATE OF organization_id ON connector_auths FOR EACH ROW WHEN (OLD.organization_id IS NOT NULL AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) EXECUTE FUNCTION tenant_organization_id_immutable();

REVOKE ALL ON verification_tokens FROM neonhub_app;
ALTER TABLE verification_tokens ENABLE ROW LEVEL SECURITY;

CREATE FUNCTION auth_session_by_token_hash(p_token_hash text) RETURNS TABLE (session_id uuid, user_id uuid, expires_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT s.id, s.user_id, s.expires_at FROM public.sessions s
          WHERE s.token_hash = p_token_hash AND s.expires_at > pg_catalog.now() $fn$;
REVOKE ALL ON FUNCTION auth_session_by_token_hash(p_token_hash text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_session_by_token_hash(p_token_hash text) TO neonhub_app;
CREATE FUNCTION auth_api_key_by_token_hash(p_token_hash text) RETURNS TABLE (api_key_id uuid, organization_id uuid, created_by_id uuid, scopes text[], expires_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT k.id, k.organization_id, k.created_by_id, k.scopes, k.expires_at
           FROM public.api_keys k
          WHERE k.token_hash = p_token_hash AND k.revoked_at IS NULL
            AND (k.expires_at IS NULL OR k.expires_at > pg_catalog.now()) $fn$;
REVOKE ALL ON FUNCTION auth_api_key_by_token_hash(p_token_hash text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_api_key_by_token_hash(p_token_hash text) TO neonhub_app;
CREATE FUNCTION auth_user_id_by_email(p_email text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT u.id FROM public.users u WHERE pg_catalog.lower(u.email) = pg_catalog.lower(p_email) $fn$;
REVOKE ALL ON FUNCTION auth_user_id_by_email(p_email text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_user_id_by_email(p_email text) TO neonhub_app;
CREATE FUNCTION auth_create_verification_token(p_identifier text, p_token_hash text, p_expires_at timestamptz) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $fn$ INSERT INTO public.verification_tokens (identifier, token_hash, expires_at)
         VALUES (p_identifier, p_token_hash, p_expires_at) $fn$;
REVOKE ALL ON FUNCTION auth_create_verification_token(p_identifier text, p_token_hash text, p_expires_at timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_create_verification_token(p_identifier text, p_token_hash text, p_expires_at timestamptz) TO neonhub_app;
CREATE FUNCTION auth_use_verification_token(p_identifier text, p_token_hash text) RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $fn$ WITH used AS (
             DELETE FROM public.verification_tokens t
              WHERE t.identifier = p_identifier AND t.token_hash = p_token_hash
              RETURNING t.expires_at)
         SELECT COALESCE(pg_catalog.bool_or(expires_at > pg_catalog.now()), false) FROM used $fn$;
REVOKE ALL ON FUNCTION auth_use_verification_token(p_identifier text, p_token_hash text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_use_verification_token(p_identifier text, p_token_hash text) TO neonhub_app;
