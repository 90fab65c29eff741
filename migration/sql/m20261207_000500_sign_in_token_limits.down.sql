-- m20261207_000500_sign_in_token_limits (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE OR REPLACE FUNCTION auth_use_verification_token(p_identifier text, p_token_hash text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$ WITH used AS (
             DELETE FROM public.verification_tokens t
              WHERE t.identifier = p_identifier AND t.token_hash = p_token_hash
              RETURNING t.expires_at)
         SELECT COALESCE(pg_catalog.bool_or(expires_at > pg_catalog.now()), false) FROM used $fn$;
DROP FUNCTION auth_create_verification_token(text, text, timestamptz, text, text);
CREATE FUNCTION auth_create_verification_token(p_identifier text, p_token_hash text, p_expires_at timestamptz)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$ INSERT INTO public.verification_tokens (identifier, token_hash, expires_at)
         VALUES (p_identifier, p_token_hash, p_expires_at) $fn$;
REVOKE ALL ON FUNCTION auth_create_verification_token(text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_create_verification_token(text, text, timestamptz) TO neonhub_app;
ALTER TABLE verification_tokens DROP CONSTRAINT verification_tokens_identifier_check;
DROP TABLE neonhub_private.verification_attempts;
