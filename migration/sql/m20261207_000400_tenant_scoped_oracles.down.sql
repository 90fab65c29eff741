-- m20261207_000400_tenant_scoped_oracles (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler
-- would leave it on another client's connection): the lock timeout comes with the
-- runner's session (its startup packet); no statement timeout (builds take minutes
-- per million rows and block no writer). See migration/src/guard.rs.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS verification_tokens_token_hash_key ON verification_tokens (token_hash);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS connector_auths_user_id_connector_id_account_id_key ON connector_auths (user_id, connector_id, account_id) NULLS NOT DISTINCT;

DROP INDEX CONCURRENTLY IF EXISTS connector_auths_user_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS connector_auths_org_user_connector_account_key;
