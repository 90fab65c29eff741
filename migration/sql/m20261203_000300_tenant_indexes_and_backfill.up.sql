-- m20261203_000300_tenant_indexes_and_backfill (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler
-- would leave it on another client's connection): the lock timeout comes with the
-- runner's session (its startup packet); no statement timeout (builds take minutes
-- per million rows and block no writer). See migration/src/guard.rs.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

UPDATE role_permissions c SET organization_id = p.organization_id FROM organization_roles p WHERE p.id = c.role_id AND c.organization_id IS NULL;

WITH batch AS (SELECT id FROM brand_voices WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE brand_voices c SET organization_id = p.organization_id FROM brands p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.brand_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM brand_assets WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE brand_assets c SET organization_id = p.organization_id FROM brands p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.brand_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM agent_capabilities WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE agent_capabilities c SET organization_id = p.organization_id FROM agents p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.agent_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM agent_configs WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE agent_configs c SET organization_id = p.organization_id FROM agents p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.agent_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM agent_run_metrics WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE agent_run_metrics c SET organization_id = p.organization_id FROM agent_runs p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.agent_run_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM tool_executions WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE tool_executions c SET organization_id = p.organization_id FROM tools p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.tool_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM training_jobs WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE training_jobs c SET organization_id = p.organization_id FROM model_versions p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.model_version_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM campaign_metrics WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE campaign_metrics c SET organization_id = p.organization_id FROM campaigns p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.campaign_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM email_sequences WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE email_sequences c SET organization_id = p.organization_id FROM campaigns p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.campaign_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM social_posts WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE social_posts c SET organization_id = p.organization_id FROM campaigns p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.campaign_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM ab_tests WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE ab_tests c SET organization_id = p.organization_id FROM campaigns p WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NULL AND p.id = c.campaign_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM invoices WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE invoices c SET user_id = p.user_id FROM subscriptions p WHERE c.id IN (SELECT id FROM batch) AND c.user_id IS NULL AND p.id = c.subscription_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

WITH batch AS (SELECT id FROM usage_records WHERE id > $1::uuid ORDER BY id LIMIT 5000), filled AS (UPDATE usage_records c SET user_id = p.user_id FROM subscriptions p WHERE c.id IN (SELECT id FROM batch) AND c.user_id IS NULL AND p.id = c.subscription_id) SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last;

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS organization_roles_organization_id_id_key ON organization_roles (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS organization_permissions_organization_id_id_key ON organization_permissions (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS organization_members_organization_id_id_key ON organization_members (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS api_keys_organization_id_id_key ON api_keys (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS embedding_spaces_organization_id_id_key ON embedding_spaces (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS brands_organization_id_id_key ON brands (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS agents_organization_id_id_key ON agents (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS agent_runs_organization_id_id_key ON agent_runs (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS tools_organization_id_id_key ON tools (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS conversations_organization_id_id_key ON conversations (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS messages_organization_id_id_key ON messages (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS datasets_organization_id_id_key ON datasets (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS documents_organization_id_id_key ON documents (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS chunks_organization_id_id_key ON chunks (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS model_versions_organization_id_id_key ON model_versions (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS inference_endpoints_organization_id_id_key ON inference_endpoints (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS content_organization_id_id_key ON content (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS campaigns_organization_id_id_key ON campaigns (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS subscriptions_user_id_id_key ON subscriptions (user_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS role_permissions_organization_id_role_id_permission_id_key ON role_permissions (organization_id, role_id, permission_id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS brand_voices_organization_id_id_key ON brand_voices (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS brand_assets_organization_id_id_key ON brand_assets (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS agent_capabilities_organization_id_id_key ON agent_capabilities (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS agent_configs_organization_id_id_key ON agent_configs (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS agent_run_metrics_organization_id_id_key ON agent_run_metrics (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS tool_executions_organization_id_id_key ON tool_executions (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS training_jobs_organization_id_id_key ON training_jobs (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS campaign_metrics_organization_id_id_key ON campaign_metrics (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS email_sequences_organization_id_id_key ON email_sequences (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS social_posts_organization_id_id_key ON social_posts (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ab_tests_organization_id_id_key ON ab_tests (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS invoices_user_id_id_key ON invoices (user_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS usage_records_user_id_id_key ON usage_records (user_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS team_members_organization_id_id_idx ON team_members (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS agent_jobs_organization_id_id_idx ON agent_jobs (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS content_drafts_organization_id_id_idx ON content_drafts (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_organization_id_id_idx ON tasks (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS feedback_organization_id_id_idx ON feedback (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_logs_organization_id_id_idx ON audit_logs (organization_id, id);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS connector_auths_organization_id_id_idx ON connector_auths (organization_id, id);

DROP INDEX CONCURRENTLY IF EXISTS agent_jobs_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS agent_runs_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS api_keys_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS chunks_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS connector_auths_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS content_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS content_drafts_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS documents_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS feedback_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS messages_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS tasks_organization_id_idx;

DROP INDEX CONCURRENTLY IF EXISTS team_members_organization_id_idx;
