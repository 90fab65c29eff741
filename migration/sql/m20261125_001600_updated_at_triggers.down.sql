-- m20261125_001600_updated_at_triggers (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP TRIGGER IF EXISTS credentials_set_updated_at ON credentials;

DROP TRIGGER IF EXISTS action_configs_set_updated_at ON action_configs;

DROP TRIGGER IF EXISTS trigger_configs_set_updated_at ON trigger_configs;

DROP TRIGGER IF EXISTS connector_auths_set_updated_at ON connector_auths;

DROP TRIGGER IF EXISTS connectors_set_updated_at ON connectors;

DROP TRIGGER IF EXISTS feedback_set_updated_at ON feedback;

DROP TRIGGER IF EXISTS tasks_set_updated_at ON tasks;

DROP TRIGGER IF EXISTS invoices_set_updated_at ON invoices;

DROP TRIGGER IF EXISTS subscriptions_set_updated_at ON subscriptions;

DROP TRIGGER IF EXISTS campaigns_set_updated_at ON campaigns;

DROP TRIGGER IF EXISTS content_drafts_set_updated_at ON content_drafts;

DROP TRIGGER IF EXISTS content_set_updated_at ON content;

DROP TRIGGER IF EXISTS documents_set_updated_at ON documents;

DROP TRIGGER IF EXISTS datasets_set_updated_at ON datasets;

DROP TRIGGER IF EXISTS conversations_set_updated_at ON conversations;

DROP TRIGGER IF EXISTS agent_jobs_set_updated_at ON agent_jobs;

DROP TRIGGER IF EXISTS agent_configs_set_updated_at ON agent_configs;

DROP TRIGGER IF EXISTS agents_set_updated_at ON agents;

DROP TRIGGER IF EXISTS brand_voices_set_updated_at ON brand_voices;

DROP TRIGGER IF EXISTS brands_set_updated_at ON brands;

DROP TRIGGER IF EXISTS embedding_spaces_set_updated_at ON embedding_spaces;

DROP TRIGGER IF EXISTS team_members_set_updated_at ON team_members;

DROP TRIGGER IF EXISTS organization_members_set_updated_at ON organization_members;

DROP TRIGGER IF EXISTS organization_roles_set_updated_at ON organization_roles;

DROP TRIGGER IF EXISTS organizations_set_updated_at ON organizations;

DROP TRIGGER IF EXISTS user_settings_set_updated_at ON user_settings;

DROP TRIGGER IF EXISTS users_set_updated_at ON users;
