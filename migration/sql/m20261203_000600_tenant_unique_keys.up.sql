-- m20261203_000600_tenant_unique_keys (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY).

SET lock_timeout = '5s'; SET statement_timeout = '300s';

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS chunks_organization_id_document_id_idx_key ON chunks (organization_id, document_id, idx);

DROP INDEX CONCURRENTLY IF EXISTS chunks_document_id_idx_key;

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS agent_capabilities_organization_id_agent_id_name_key ON agent_capabilities (organization_id, agent_id, name);

DROP INDEX CONCURRENTLY IF EXISTS agent_capabilities_agent_id_name_key;

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS agent_configs_organization_id_agent_id_key_key ON agent_configs (organization_id, agent_id, key);

DROP INDEX CONCURRENTLY IF EXISTS agent_configs_agent_id_key_key;

RESET lock_timeout; RESET statement_timeout;
