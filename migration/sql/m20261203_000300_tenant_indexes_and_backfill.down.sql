-- m20261203_000300_tenant_indexes_and_backfill (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler
-- would leave it on another client's connection): the lock timeout comes with the
-- runner's session (its startup packet); no statement timeout (builds take minutes
-- per million rows and block no writer). See migration/src/guard.rs.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS team_members_organization_id_idx ON team_members (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_organization_id_idx ON tasks (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_organization_id_idx ON messages (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS feedback_organization_id_idx ON feedback (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS documents_organization_id_idx ON documents (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS content_drafts_organization_id_idx ON content_drafts (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS content_organization_id_idx ON content (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS connector_auths_organization_id_idx ON connector_auths (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS chunks_organization_id_idx ON chunks (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS api_keys_organization_id_idx ON api_keys (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS agent_runs_organization_id_idx ON agent_runs (organization_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS agent_jobs_organization_id_idx ON agent_jobs (organization_id);

DROP INDEX CONCURRENTLY IF EXISTS connector_auths_organization_id_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS audit_logs_organization_id_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS feedback_organization_id_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS tasks_organization_id_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS content_drafts_organization_id_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS agent_jobs_organization_id_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS team_members_organization_id_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS usage_records_user_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS invoices_user_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS ab_tests_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS social_posts_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS email_sequences_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS campaign_metrics_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS training_jobs_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS tool_executions_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS agent_run_metrics_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS agent_configs_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS agent_capabilities_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS brand_assets_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS brand_voices_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS role_permissions_organization_id_role_id_permission_id_key;

DROP INDEX CONCURRENTLY IF EXISTS subscriptions_user_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS campaigns_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS content_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS inference_endpoints_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS model_versions_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS chunks_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS documents_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS datasets_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS messages_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS conversations_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS tools_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS agent_runs_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS agents_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS brands_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS embedding_spaces_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS api_keys_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS organization_members_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS organization_permissions_organization_id_id_key;

DROP INDEX CONCURRENTLY IF EXISTS organization_roles_organization_id_id_key;
