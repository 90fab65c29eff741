-- m20261203_000600_tenant_unique_keys (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler
-- would leave it on another client's connection): the lock timeout comes with the
-- runner's session (its startup packet); no statement timeout (builds take minutes
-- per million rows and block no writer). See migration/src/guard.rs.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS chunks_organization_id_document_id_idx_key ON chunks (organization_id, document_id, idx);

DROP INDEX CONCURRENTLY IF EXISTS chunks_document_id_idx_key;

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS agent_capabilities_organization_id_agent_id_name_key ON agent_capabilities (organization_id, agent_id, name);

DROP INDEX CONCURRENTLY IF EXISTS agent_capabilities_agent_id_name_key;

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS agent_configs_organization_id_agent_id_key_key ON agent_configs (organization_id, agent_id, key);

DROP INDEX CONCURRENTLY IF EXISTS agent_configs_agent_id_key_key;
