-- m20261207_000100_credential_bound_context (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DO $$
DECLARE
    p record;
    q text;
    c text;
BEGIN
    FOR p IN SELECT pol.polname AS name, cls.relname AS tab,
                    pg_get_expr(pol.polqual, pol.polrelid) AS qual,
                    pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check
               FROM pg_policy pol JOIN pg_class cls ON cls.oid = pol.polrelid
              WHERE cls.relnamespace = 'public'::regnamespace
                AND (pg_get_expr(pol.polqual, pol.polrelid) ~ 'app_current_(org|user)_id'
                     OR pg_get_expr(pol.polwithcheck, pol.polrelid) ~ 'app_current_(org|user)_id')
              ORDER BY 2, 1
    LOOP
        q := regexp_replace(p.qual, '\( SELECT app_current_(org|user)_id\(\) AS app_current_(org|user)_id\)', 'app_current_\1_id()', 'g');
        c := regexp_replace(p.with_check, '\( SELECT app_current_(org|user)_id\(\) AS app_current_(org|user)_id\)', 'app_current_\1_id()', 'g');
        IF q IS NOT NULL AND c IS NOT NULL THEN
            EXECUTE format('ALTER POLICY %I ON %I USING (%s) WITH CHECK (%s)', p.name, p.tab, q, c);
        ELSIF q IS NOT NULL THEN
            EXECUTE format('ALTER POLICY %I ON %I USING (%s)', p.name, p.tab, q);
        ELSE
            EXECUTE format('ALTER POLICY %I ON %I WITH CHECK (%s)', p.name, p.tab, c);
        END IF;
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION auth_api_key_by_token_hash(p_token_hash text)
RETURNS TABLE (api_key_id uuid, organization_id uuid, created_by_id uuid, scopes text[],
               expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$ SELECT k.id, k.organization_id, k.created_by_id, k.scopes, k.expires_at
           FROM public.api_keys k
          WHERE k.token_hash = p_token_hash AND k.revoked_at IS NULL
            AND (k.expires_at IS NULL OR k.expires_at > pg_catalog.now()) $fn$;

DROP FUNCTION tenant_enter_ticket(text);
DROP FUNCTION tenant_enter_api_key(text);
DROP FUNCTION tenant_enter_session(text, uuid);

CREATE OR REPLACE FUNCTION app_current_org_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(pg_catalog.current_setting('app.current_org_id', true), '')::pg_catalog.uuid $$;
CREATE OR REPLACE FUNCTION app_current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(pg_catalog.current_setting('app.current_user_id', true), '')::pg_catalog.uuid $$;
GRANT EXECUTE ON FUNCTION app_current_org_id() TO PUBLIC;
GRANT EXECUTE ON FUNCTION app_current_user_id() TO PUBLIC;
REVOKE ALL ON FUNCTION app_current_org_id() FROM neonhub_app;
REVOKE ALL ON FUNCTION app_current_user_id() FROM neonhub_app;

DROP SCHEMA neonhub_private CASCADE;
