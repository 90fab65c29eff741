-- m20261207_000500_sign_in_token_limits (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE neonhub_private.verification_attempts (
    identifier text PRIMARY KEY,
    failures integer NOT NULL DEFAULT 0,
    window_started_at timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz
);

ALTER TABLE verification_tokens ADD CONSTRAINT verification_tokens_identifier_check
    CHECK (char_length(identifier) <= 320) NOT VALID;

-- The unsigned signature is the hole this migration closes: no client may keep calling it.
-- squawk-ignore ban-drop-function
DROP FUNCTION auth_create_verification_token(text, text, timestamptz);
CREATE FUNCTION auth_create_verification_token(p_identifier text, p_token_hash text,
    p_expires_at timestamptz, p_key_id text, p_signature text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k record;
    v_expires bigint;
BEGIN
    IF p_identifier IS NULL OR char_length(p_identifier) > 320 OR p_identifier ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'a sign-in identifier is at most 320 characters, without control characters'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_expires_at IS NULL OR p_expires_at <= now() OR p_expires_at > now() + interval '7 days' THEN
        RAISE EXCEPTION 'a sign-in token expires within 7 days'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_expires := floor(extract(epoch FROM p_expires_at))::bigint;
    SELECT t.inner_pad, t.outer_pad INTO k FROM neonhub_private.ticket_keys t
     WHERE t.key_id = p_key_id AND t.retired_at IS NULL;
    IF k.inner_pad IS NULL OR p_signature IS NULL
       OR neonhub_private.hmac_hex(k.inner_pad, k.outer_pad,
              'nhv1' || E'\n' || p_key_id || E'\n' || p_identifier || E'\n' || p_token_hash
              || E'\n' || v_expires) <> p_signature THEN
        RAISE EXCEPTION 'the sign-in token is not signed by a ticket key of the API'
            USING ERRCODE = 'invalid_authorization_specification',
                  HINT = 'Sign it with entity::auth::create_verification_token and the API''s NEONHUB_TICKET_KEYS.';
    END IF;
    INSERT INTO public.verification_tokens (identifier, token_hash, expires_at)
    VALUES (p_identifier, p_token_hash, p_expires_at);
END
$$;
REVOKE ALL ON FUNCTION auth_create_verification_token(text, text, timestamptz, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_create_verification_token(text, text, timestamptz, text, text) TO neonhub_app;

CREATE OR REPLACE FUNCTION auth_use_verification_token(p_identifier text, p_token_hash text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a record;
    ok boolean;
BEGIN
    IF p_identifier IS NULL OR char_length(p_identifier) > 320 THEN
        RETURN false;
    END IF;
    -- One row per identifier, locked for the rest of the transaction: attempts take turns.
    INSERT INTO neonhub_private.verification_attempts AS v (identifier) VALUES (p_identifier)
    ON CONFLICT (identifier) DO UPDATE SET identifier = v.identifier
    RETURNING v.failures, v.window_started_at, v.locked_until INTO a;
    IF a.locked_until > now() THEN
        RAISE EXCEPTION 'too many failed sign-in attempts for this identifier: locked until %',
            a.locked_until
            USING ERRCODE = 'NH429',
                  HINT = 'Wait, then ask for a new sign-in link.';
    END IF;
    DELETE FROM public.verification_tokens t
     WHERE t.identifier = p_identifier AND t.token_hash = p_token_hash
    RETURNING t.expires_at > now() INTO ok;
    IF ok THEN
        DELETE FROM neonhub_private.verification_attempts v WHERE v.identifier = p_identifier;
        RETURN true;
    END IF;
    UPDATE neonhub_private.verification_attempts v
       SET failures = CASE WHEN v.window_started_at < now() - interval '15 minutes'
                           THEN 1 ELSE v.failures + 1 END,
           window_started_at = CASE WHEN v.window_started_at < now() - interval '15 minutes'
                                    THEN now() ELSE v.window_started_at END,
           locked_until = CASE WHEN v.window_started_at >= now() - interval '15 minutes'
                                    AND v.failures + 1 >= 5
                               THEN now() + interval '15 minutes' END
     WHERE v.identifier = p_identifier;
    RETURN false;
END
$$;
