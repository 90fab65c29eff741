-- m20261207_010100_users_email_key (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler
-- would leave it on another client's connection): the lock timeout comes with the
-- runner's session (its startup packet); no statement timeout (builds take minutes
-- per million rows and block no writer). See migration/src/guard.rs.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

CREATE OR REPLACE FUNCTION auth_user_id_by_email(p_email text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT u.id FROM public.users u WHERE pg_catalog.lower(u.email) = pg_catalog.lower(p_email) $fn$;

SELECT pg_get_indexdef(to_regclass($1)) AS def WHERE to_regclass($1) IS NOT NULL;

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_next_key ON users (lower(email));

DROP INDEX CONCURRENTLY IF EXISTS users_email_key;

-- No client names this index: the rename gives the new key the name the old one
-- had (a brief lock on the index only).
-- squawk-ignore renaming-object
ALTER INDEX IF EXISTS users_email_next_key RENAME TO users_email_key;

-- One query string, so one implicit transaction: both or neither.
-- squawk-ignore prefer-robust-stmts
ALTER TABLE users DROP CONSTRAINT users_email_check;
ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email = pg_catalog.lower(pg_catalog.btrim(email) COLLATE pg_catalog."C")) NOT VALID;
