//! The tenant context is a credential, not a setting.
//!
//! Until this migration the policies trusted two transaction-local settings,
//! `app.current_org_id` and `app.current_user_id`, that any SQL of the application login could
//! set to any tenant. From here on:
//!
//! - The context lives in one transaction-local setting, `neonhub.tenant`:
//!   `<org>|<user>|<backend pid>|<transaction start, µs>|<HMAC-SHA256>`. Only the definer
//!   functions below write a valid one: the MAC key (`neonhub_private.context_key`, 256 random
//!   bits drawn by the server when this migration runs) is in a schema the application roles
//!   cannot enter. `app_current_org_id()` / `app_current_user_id()` (what every policy reads)
//!   return NULL unless the value carries a valid MAC, this backend's pid and this
//!   transaction's start time: a forged value, or a real one copied from another connection or
//!   an earlier transaction, selects nothing.
//! - A context is entered only by proving a credential, through `SECURITY DEFINER` functions
//!   (fixed `search_path`, EXECUTE revoked from PUBLIC, granted to `neonhub_app`):
//!   `tenant_enter_session(token_hash, organization)` (a live session; the user must be an
//!   active member of the organization, or the organization NULL for the user's own rows),
//!   `tenant_enter_api_key(token_hash)` (a usable key of an organization, acting as its
//!   creator, who must still be an active member), `tenant_enter_ticket(ticket)` (a ticket
//!   the API signs with a key that never travels through the application's SQL: JWT sign-in,
//!   background jobs; valid at most 300 seconds; a user and an organization must again be an
//!   active membership; an organization alone is a worker context, with no acting user).
//! - Ticket keys (`neonhub_private.ticket_keys`) are installed by the owner
//!   (`neonhub_private.install_ticket_key(id, secret)`, called by `seeder ticket-keys`).
//! - Every policy reads the context as `(SELECT app_current_org_id())`: an InitPlan, verified
//!   once per statement instead of once per row.
//! - `auth_api_key_by_token_hash` no longer returns a key whose creator is not an active
//!   member of its organization.
//!
//! Raw SQL: sea-query has no statements for schemas, functions, grants or policies.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The private schema, its keys and the internal helpers (owner only).
const PRIVATE: &str = r#"
CREATE SCHEMA neonhub_private;
REVOKE ALL ON SCHEMA neonhub_private FROM PUBLIC;

-- HMAC-SHA256 (RFC 2104) over PostgreSQL's built-in sha256(): the key's inner and outer pads
-- are computed once, when a key is stored.
CREATE FUNCTION neonhub_private.hmac_pads(p_key bytea, OUT inner_pad bytea, OUT outer_pad bytea)
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k bytea;
BEGIN
    IF length(p_key) > 64 THEN
        p_key := sha256(p_key);
    END IF;
    k := p_key || decode(repeat('00', 64 - length(p_key)), 'hex');
    inner_pad := k;
    outer_pad := k;
    FOR i IN 0..63 LOOP
        inner_pad := set_byte(inner_pad, i, get_byte(k, i) # 54);
        outer_pad := set_byte(outer_pad, i, get_byte(k, i) # 92);
    END LOOP;
END
$$;

-- STABLE, not IMMUTABLE: convert_to() is STABLE, and the planner inlines a SQL function only
-- when its body is no more volatile than it says. Inlined, it costs a few microseconds; not
-- inlined, every statement that calls it pays for parsing and planning its body (about 35 µs).
CREATE FUNCTION neonhub_private.hmac_hex(p_inner bytea, p_outer bytea, p_message text)
RETURNS text LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT pg_catalog.encode(pg_catalog.sha256(p_outer
        OPERATOR(pg_catalog.||) pg_catalog.sha256(p_inner
        OPERATOR(pg_catalog.||) pg_catalog.convert_to(p_message, 'UTF8'))), 'hex')
$$;

-- The key that signs contexts: one row, drawn by the server (gen_random_uuid() uses the
-- operating system's strong random source).
CREATE TABLE neonhub_private.context_key (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    inner_pad bytea NOT NULL CHECK (length(inner_pad) = 64),
    outer_pad bytea NOT NULL CHECK (length(outer_pad) = 64),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO neonhub_private.context_key (inner_pad, outer_pad)
SELECT p.inner_pad, p.outer_pad
  FROM neonhub_private.hmac_pads(sha256(convert_to(
           gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'))) p;

-- The keys the API signs tickets with (NEONHUB_TICKET_KEYS), by id; a retired key signs nothing.
CREATE TABLE neonhub_private.ticket_keys (
    key_id text PRIMARY KEY CHECK (key_id ~ '^[A-Za-z0-9_.-]{1,32}$'),
    inner_pad bytea NOT NULL CHECK (length(inner_pad) = 64),
    outer_pad bytea NOT NULL CHECK (length(outer_pad) = 64),
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz
);

CREATE FUNCTION neonhub_private.install_ticket_key(p_key_id text, p_secret bytea) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_secret IS NULL OR length(p_secret) < 32 THEN
        RAISE EXCEPTION 'a ticket key must be at least 32 bytes' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO neonhub_private.ticket_keys (key_id, inner_pad, outer_pad)
    SELECT p_key_id, p.inner_pad, p.outer_pad FROM neonhub_private.hmac_pads(p_secret) p
    ON CONFLICT (key_id) DO UPDATE
       SET inner_pad = EXCLUDED.inner_pad, outer_pad = EXCLUDED.outer_pad, retired_at = NULL;
END
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA neonhub_private FROM PUBLIC;
"#;

/// `app_current_org_id()` / `app_current_user_id()`: the verified context's field `index`.
fn reader(name: &str, index: usize) -> String {
    format!(
        r#"
CREATE OR REPLACE FUNCTION {name}() RETURNS uuid
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v text := current_setting('neonhub.tenant', true);
    f text[];
    k record;
BEGIN
    IF v IS NULL OR v = '' THEN
        RETURN NULL;
    END IF;
    f := string_to_array(v, '|');
    -- Bound to this backend and this transaction: a copied value selects nothing.
    IF cardinality(f) <> 5 OR f[3] <> pg_backend_pid()::text
       OR f[4] <> ((extract(epoch FROM now()) * 1000000)::bigint)::text THEN
        RETURN NULL;
    END IF;
    SELECT c.inner_pad, c.outer_pad INTO k FROM neonhub_private.context_key c;
    IF neonhub_private.hmac_hex(k.inner_pad, k.outer_pad,
                                f[1] || '|' || f[2] || '|' || f[3] || '|' || f[4]) <> f[5] THEN
        RETURN NULL;
    END IF;
    RETURN NULLIF(f[{index}], '')::uuid;
END
$$;
REVOKE ALL ON FUNCTION {name}() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {name}() TO neonhub_app;
"#
    )
}

/// The readers as they were (migration 20261203_000100).
const READERS_DOWN: &str = r#"
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
"#;

/// The credential checks that enter a context (`{member:…}`, `{refuse:…}` and `{enter:…}` are
/// inlined: nested functions would cost a call each).
const ENTER_TEMPLATE: &str = r#"
CREATE FUNCTION tenant_enter_session(p_token_hash text, p_organization_id uuid)
RETURNS TABLE (organization_id uuid, user_id uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_user uuid;
    v_member boolean;
    payload text;
    ck_inner bytea;
    ck_outer bytea;
BEGIN
    -- The session, the membership and the context key in one statement (one executor run).
    SELECT s.user_id,
           p_organization_id IS NULL
           OR EXISTS (SELECT 1 FROM public.organization_members m
                       WHERE m.organization_id = p_organization_id AND m.user_id = s.user_id
                         AND m.status = 'active'),
           c.inner_pad, c.outer_pad
      INTO v_user, v_member, ck_inner, ck_outer
      FROM public.sessions s CROSS JOIN neonhub_private.context_key c
     WHERE s.token_hash = p_token_hash AND s.expires_at > now();
    IF v_user IS NULL THEN
        RAISE EXCEPTION 'no live session has this token'
            USING ERRCODE = 'invalid_authorization_specification',
                  HINT = 'The session expired or was signed out: sign in again.';
    END IF;
    IF NOT v_member THEN
{refuse:p_organization_id,v_user}
    END IF;
{enter:p_organization_id,v_user}
    organization_id := p_organization_id;
    user_id := v_user;
    RETURN NEXT;
END
$$;

CREATE FUNCTION tenant_enter_api_key(p_token_hash text)
RETURNS TABLE (organization_id uuid, user_id uuid, api_key_id uuid, scopes text[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k record;
    payload text;
    ck_inner bytea;
    ck_outer bytea;
BEGIN
    SELECT a.id, a.organization_id, a.created_by_id, a.scopes INTO k
      FROM public.api_keys a
     WHERE a.token_hash = p_token_hash AND a.revoked_at IS NULL
       AND (a.expires_at IS NULL OR a.expires_at > now())
       AND EXISTS (SELECT 1 FROM public.organization_members m
                    WHERE m.organization_id = a.organization_id
                      AND m.user_id = a.created_by_id AND m.status = 'active');
    IF k.id IS NULL THEN
        RAISE EXCEPTION 'no usable API key has this token'
            USING ERRCODE = 'invalid_authorization_specification',
                  HINT = 'The key is unknown, revoked or expired, or its creator is no longer an active member.';
    END IF;
{enter:k.organization_id,k.created_by_id}
    organization_id := k.organization_id;
    user_id := k.created_by_id;
    api_key_id := k.id;
    scopes := k.scopes;
    RETURN NEXT;
END
$$;

-- A ticket: nht1:<key id>:<organization or empty>:<user or empty>:<expires, unix s>:<HMAC hex>,
-- the HMAC over everything before the last colon.
CREATE FUNCTION tenant_enter_ticket(p_ticket text)
RETURNS TABLE (organization_id uuid, user_id uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f text[] := string_to_array(p_ticket, ':');
    k record;
    v_org uuid;
    v_user uuid;
    v_now numeric := extract(epoch FROM now());
    payload text;
    ck_inner bytea;
    ck_outer bytea;
BEGIN
    IF p_ticket IS NULL OR length(p_ticket) > 256 OR cardinality(f) <> 6 OR f[1] <> 'nht1'
       OR f[5] !~ '^[0-9]{1,12}$' OR f[6] !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'malformed tenant ticket'
            USING ERRCODE = 'invalid_authorization_specification',
                  HINT = 'Tickets are made by entity::tenant::TicketKey.';
    END IF;
    SELECT t.inner_pad, t.outer_pad INTO k FROM neonhub_private.ticket_keys t
     WHERE t.key_id = f[2] AND t.retired_at IS NULL;
    IF k.inner_pad IS NULL THEN
        RAISE EXCEPTION 'tenant ticket signed with an unknown or retired key'
            USING ERRCODE = 'invalid_authorization_specification',
                  HINT = 'Install the API''s ticket keys with `seeder ticket-keys` (NEONHUB_TICKET_KEYS).';
    END IF;
    IF neonhub_private.hmac_hex(k.inner_pad, k.outer_pad,
           f[1] || ':' || f[2] || ':' || f[3] || ':' || f[4] || ':' || f[5]) <> f[6] THEN
        RAISE EXCEPTION 'tenant ticket signature does not match'
            USING ERRCODE = 'invalid_authorization_specification';
    END IF;
    IF f[5]::numeric <= v_now THEN
        RAISE EXCEPTION 'tenant ticket expired'
            USING ERRCODE = 'invalid_authorization_specification',
                  HINT = 'Sign a new ticket per request; check the API''s clock against the database''s.';
    END IF;
    IF f[5]::numeric > v_now + 300 THEN
        RAISE EXCEPTION 'tenant ticket is valid for more than 300 seconds'
            USING ERRCODE = 'invalid_authorization_specification';
    END IF;
    v_org := NULLIF(f[3], '')::uuid;
    v_user := NULLIF(f[4], '')::uuid;
    IF v_org IS NULL AND v_user IS NULL THEN
        RAISE EXCEPTION 'tenant ticket names no organization and no user'
            USING ERRCODE = 'invalid_authorization_specification';
    END IF;
    IF v_org IS NOT NULL AND v_user IS NOT NULL THEN
{member:v_org,v_user}
    END IF;
{enter:v_org,v_user}
    organization_id := v_org;
    user_id := v_user;
    RETURN NEXT;
END
$$;

REVOKE ALL ON FUNCTION tenant_enter_session(text, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION tenant_enter_api_key(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tenant_enter_ticket(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_enter_session(text, uuid) TO neonhub_app;
GRANT EXECUTE ON FUNCTION tenant_enter_api_key(text) TO neonhub_app;
GRANT EXECUTE ON FUNCTION tenant_enter_ticket(text) TO neonhub_app;
"#;

/// Refuse unless `user` is an active member of `org` (plpgsql, inlined).
fn member_check(org: &str, user: &str) -> String {
    format!(
        "    IF NOT EXISTS (SELECT 1 FROM public.organization_members m
                    WHERE m.organization_id = {org} AND m.user_id = {user}
                      AND m.status = 'active') THEN
{}
    END IF;",
        refuse_non_member(org, user)
    )
}

/// The refusal of a user who is not an active member of `org` (plpgsql, inlined).
fn refuse_non_member(org: &str, user: &str) -> String {
    format!(
        "        RAISE EXCEPTION 'user % is not an active member of organization %', {user}, {org}
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'A context names an organization only for its active members.';"
    )
}

/// Write the signed context of `org` and `user` for the rest of the transaction (plpgsql,
/// inlined; needs the variables `payload text`, `ck_inner bytea` and `ck_outer bytea`, the
/// context key's pads, read here unless the function read them already).
fn write_context(org: &str, user: &str) -> String {
    format!(
        "    -- A connection the application left temporary objects on could shadow tables for the
    -- next request on it (pool poisoning): refuse to enter a tenant there.
    IF pg_my_temp_schema() <> 0
       AND EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = pg_my_temp_schema()) THEN
        RAISE EXCEPTION 'this connection holds temporary objects: refusing to enter a tenant on it'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Close the connection; the application role may not create temporary objects.';
    END IF;
    IF ck_inner IS NULL THEN
        SELECT c.inner_pad, c.outer_pad INTO ck_inner, ck_outer FROM neonhub_private.context_key c;
    END IF;
    payload := coalesce(({org})::text, '') || '|' || coalesce(({user})::text, '') || '|'
        || pg_backend_pid() || '|' || (extract(epoch FROM now()) * 1000000)::bigint;
    -- Assignments of plain expressions are evaluated without the executor (PERFORM is a query).
    payload := set_config('neonhub.tenant',
        payload || '|' || neonhub_private.hmac_hex(ck_inner, ck_outer, payload), true);"
    )
}

/// [`ENTER_TEMPLATE`] with its snippets inlined.
fn enter_sql() -> String {
    let mut sql = ENTER_TEMPLATE.to_owned();
    while let Some(start) = ["{member:", "{refuse:", "{enter:"]
        .iter()
        .find_map(|snippet| sql.find(snippet))
    {
        let end = start + sql[start..].find('}').expect("a closed snippet");
        let (kind, args) = sql[start + 1..end].split_once(':').expect("kind:args");
        let (a, b) = args.split_once(',').expect("two arguments");
        let code = match kind {
            "member" => member_check(a, b),
            "refuse" => refuse_non_member(a, b),
            _ => write_context(a, b),
        };
        sql.replace_range(start..=end, &code);
    }
    sql
}

const ENTER_DOWN: &str = r#"
DROP FUNCTION tenant_enter_ticket(text);
DROP FUNCTION tenant_enter_api_key(text);
DROP FUNCTION tenant_enter_session(text, uuid);
"#;

/// `auth_api_key_by_token_hash`: only keys whose creator is still an active member.
const API_KEY_LOOKUP: &str = r#"
CREATE OR REPLACE FUNCTION auth_api_key_by_token_hash(p_token_hash text)
RETURNS TABLE (api_key_id uuid, organization_id uuid, created_by_id uuid, scopes text[],
               expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$ SELECT k.id, k.organization_id, k.created_by_id, k.scopes, k.expires_at
           FROM public.api_keys k
          WHERE k.token_hash = p_token_hash AND k.revoked_at IS NULL
            AND (k.expires_at IS NULL OR k.expires_at > pg_catalog.now())
            AND EXISTS (SELECT 1 FROM public.organization_members m
                         WHERE m.organization_id = k.organization_id
                           AND m.user_id = k.created_by_id AND m.status = 'active') $fn$;
"#;

const API_KEY_LOOKUP_DOWN: &str = r#"
CREATE OR REPLACE FUNCTION auth_api_key_by_token_hash(p_token_hash text)
RETURNS TABLE (api_key_id uuid, organization_id uuid, created_by_id uuid, scopes text[],
               expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $fn$ SELECT k.id, k.organization_id, k.created_by_id, k.scopes, k.expires_at
           FROM public.api_keys k
          WHERE k.token_hash = p_token_hash AND k.revoked_at IS NULL
            AND (k.expires_at IS NULL OR k.expires_at > pg_catalog.now()) $fn$;
"#;

/// Rewrite every policy of the schema that calls a context reader: `from` → `to` (regular
/// expressions over the policy's deparsed expressions).
fn rewrite_policies(from: &str, to: &str) -> String {
    format!(
        r#"
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
        q := regexp_replace(p.qual, '{from}', '{to}', 'g');
        c := regexp_replace(p.with_check, '{from}', '{to}', 'g');
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
"#
    )
}

/// A plain call, not already inside `( SELECT … )`.
const PLAIN_CALL: &str = r"(?<!SELECT )app_current_(org|user)_id\(\)";
const WRAPPED: &str = r"(SELECT app_current_\1_id())";
const WRAPPED_CALL: &str =
    r"\( SELECT app_current_(org|user)_id\(\) AS app_current_(org|user)_id\)";
const PLAIN: &str = r"app_current_\1_id()";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(PRIVATE).await?;
        db.execute_unprepared(&reader("app_current_org_id", 1))
            .await?;
        db.execute_unprepared(&reader("app_current_user_id", 2))
            .await?;
        db.execute_unprepared(&enter_sql()).await?;
        db.execute_unprepared(API_KEY_LOOKUP).await?;
        db.execute_unprepared(&rewrite_policies(PLAIN_CALL, WRAPPED))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&rewrite_policies(WRAPPED_CALL, PLAIN))
            .await?;
        db.execute_unprepared(API_KEY_LOOKUP_DOWN).await?;
        db.execute_unprepared(ENTER_DOWN).await?;
        db.execute_unprepared(READERS_DOWN).await?;
        db.execute_unprepared("DROP SCHEMA neonhub_private CASCADE")
            .await?;
        Ok(())
    }
}
