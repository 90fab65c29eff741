-- m20261125_001700_tenant_isolation (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP POLICY connectors_read_only ON connectors;
             ALTER TABLE connectors DISABLE ROW LEVEL SECURITY;

DROP POLICY users_tenant_isolation ON users;
                 ALTER TABLE users DISABLE ROW LEVEL SECURITY;

DROP POLICY organizations_tenant_isolation ON organizations;
                 ALTER TABLE organizations DISABLE ROW LEVEL SECURITY;

DROP POLICY credentials_tenant_isolation ON credentials;
                 ALTER TABLE credentials DISABLE ROW LEVEL SECURITY;

DROP POLICY subscriptions_tenant_isolation ON subscriptions;
                 ALTER TABLE subscriptions DISABLE ROW LEVEL SECURITY;

DROP POLICY user_settings_tenant_isolation ON user_settings;
                 ALTER TABLE user_settings DISABLE ROW LEVEL SECURITY;

DROP POLICY sessions_tenant_isolation ON sessions;
                 ALTER TABLE sessions DISABLE ROW LEVEL SECURITY;

DROP POLICY accounts_tenant_isolation ON accounts;
                 ALTER TABLE accounts DISABLE ROW LEVEL SECURITY;

DROP POLICY action_configs_tenant_isolation ON action_configs;
                 ALTER TABLE action_configs DISABLE ROW LEVEL SECURITY;

DROP POLICY trigger_configs_tenant_isolation ON trigger_configs;
                 ALTER TABLE trigger_configs DISABLE ROW LEVEL SECURITY;

DROP POLICY usage_records_tenant_isolation ON usage_records;
                 ALTER TABLE usage_records DISABLE ROW LEVEL SECURITY;

DROP POLICY invoices_tenant_isolation ON invoices;
                 ALTER TABLE invoices DISABLE ROW LEVEL SECURITY;

DROP POLICY ab_tests_tenant_isolation ON ab_tests;
                 ALTER TABLE ab_tests DISABLE ROW LEVEL SECURITY;

DROP POLICY social_posts_tenant_isolation ON social_posts;
                 ALTER TABLE social_posts DISABLE ROW LEVEL SECURITY;

DROP POLICY email_sequences_tenant_isolation ON email_sequences;
                 ALTER TABLE email_sequences DISABLE ROW LEVEL SECURITY;

DROP POLICY campaign_metrics_tenant_isolation ON campaign_metrics;
                 ALTER TABLE campaign_metrics DISABLE ROW LEVEL SECURITY;

DROP POLICY training_jobs_tenant_isolation ON training_jobs;
                 ALTER TABLE training_jobs DISABLE ROW LEVEL SECURITY;

DROP POLICY tool_executions_tenant_isolation ON tool_executions;
                 ALTER TABLE tool_executions DISABLE ROW LEVEL SECURITY;

DROP POLICY agent_run_metrics_tenant_isolation ON agent_run_metrics;
                 ALTER TABLE agent_run_metrics DISABLE ROW LEVEL SECURITY;

DROP POLICY agent_configs_tenant_isolation ON agent_configs;
                 ALTER TABLE agent_configs DISABLE ROW LEVEL SECURITY;

DROP POLICY agent_capabilities_tenant_isolation ON agent_capabilities;
                 ALTER TABLE agent_capabilities DISABLE ROW LEVEL SECURITY;

DROP POLICY brand_assets_tenant_isolation ON brand_assets;
                 ALTER TABLE brand_assets DISABLE ROW LEVEL SECURITY;

DROP POLICY brand_voices_tenant_isolation ON brand_voices;
                 ALTER TABLE brand_voices DISABLE ROW LEVEL SECURITY;

DROP POLICY role_permissions_tenant_isolation ON role_permissions;
                 ALTER TABLE role_permissions DISABLE ROW LEVEL SECURITY;

DROP POLICY connector_auths_tenant_isolation ON connector_auths;
                 ALTER TABLE connector_auths DISABLE ROW LEVEL SECURITY;

DROP POLICY audit_logs_tenant_isolation ON audit_logs;
                 ALTER TABLE audit_logs DISABLE ROW LEVEL SECURITY;

DROP POLICY feedback_tenant_isolation ON feedback;
                 ALTER TABLE feedback DISABLE ROW LEVEL SECURITY;

DROP POLICY tasks_tenant_isolation ON tasks;
                 ALTER TABLE tasks DISABLE ROW LEVEL SECURITY;

DROP POLICY content_drafts_tenant_isolation ON content_drafts;
                 ALTER TABLE content_drafts DISABLE ROW LEVEL SECURITY;

DROP POLICY agent_jobs_tenant_isolation ON agent_jobs;
                 ALTER TABLE agent_jobs DISABLE ROW LEVEL SECURITY;

DROP POLICY team_members_tenant_isolation ON team_members;
                 ALTER TABLE team_members DISABLE ROW LEVEL SECURITY;

DROP POLICY campaigns_tenant_isolation ON campaigns;
                 ALTER TABLE campaigns DISABLE ROW LEVEL SECURITY;

DROP POLICY content_tenant_isolation ON content;
                 ALTER TABLE content DISABLE ROW LEVEL SECURITY;

DROP POLICY inference_endpoints_tenant_isolation ON inference_endpoints;
                 ALTER TABLE inference_endpoints DISABLE ROW LEVEL SECURITY;

DROP POLICY model_versions_tenant_isolation ON model_versions;
                 ALTER TABLE model_versions DISABLE ROW LEVEL SECURITY;

DROP POLICY chunks_tenant_isolation ON chunks;
                 ALTER TABLE chunks DISABLE ROW LEVEL SECURITY;

DROP POLICY documents_tenant_isolation ON documents;
                 ALTER TABLE documents DISABLE ROW LEVEL SECURITY;

DROP POLICY datasets_tenant_isolation ON datasets;
                 ALTER TABLE datasets DISABLE ROW LEVEL SECURITY;

DROP POLICY messages_tenant_isolation ON messages;
                 ALTER TABLE messages DISABLE ROW LEVEL SECURITY;

DROP POLICY conversations_tenant_isolation ON conversations;
                 ALTER TABLE conversations DISABLE ROW LEVEL SECURITY;

DROP POLICY tools_tenant_isolation ON tools;
                 ALTER TABLE tools DISABLE ROW LEVEL SECURITY;

DROP POLICY agent_runs_tenant_isolation ON agent_runs;
                 ALTER TABLE agent_runs DISABLE ROW LEVEL SECURITY;

DROP POLICY agents_tenant_isolation ON agents;
                 ALTER TABLE agents DISABLE ROW LEVEL SECURITY;

DROP POLICY brands_tenant_isolation ON brands;
                 ALTER TABLE brands DISABLE ROW LEVEL SECURITY;

DROP POLICY embedding_spaces_tenant_isolation ON embedding_spaces;
                 ALTER TABLE embedding_spaces DISABLE ROW LEVEL SECURITY;

DROP POLICY api_keys_tenant_isolation ON api_keys;
                 ALTER TABLE api_keys DISABLE ROW LEVEL SECURITY;

DROP POLICY organization_members_tenant_isolation ON organization_members;
                 ALTER TABLE organization_members DISABLE ROW LEVEL SECURITY;

DROP POLICY organization_permissions_tenant_isolation ON organization_permissions;
                 ALTER TABLE organization_permissions DISABLE ROW LEVEL SECURITY;

DROP POLICY organization_roles_tenant_isolation ON organization_roles;
                 ALTER TABLE organization_roles DISABLE ROW LEVEL SECURITY;

REVOKE ALL ON users, accounts, sessions, verification_tokens, user_settings, organizations, organization_roles, organization_permissions, role_permissions, organization_members, api_keys, team_members, embedding_spaces, brands, brand_voices, brand_assets, agents, agent_capabilities, agent_configs, agent_runs, agent_run_metrics, tools, tool_executions, agent_jobs, conversations, messages, datasets, documents, chunks, model_versions, training_jobs, inference_endpoints, content, content_drafts, campaigns, campaign_metrics, email_sequences, social_posts, ab_tests, metric_events, subscriptions, invoices, usage_records, tasks, feedback, audit_logs, connectors, connector_auths, trigger_configs, action_configs, credentials FROM neonhub_app;
             REVOKE USAGE ON SCHEMA public FROM neonhub_app;
             DROP FUNCTION app_current_user_id();
             DROP FUNCTION app_current_org_id();

DO $$
             BEGIN
                 DROP ROLE IF EXISTS neonhub_app;
             EXCEPTION WHEN dependent_objects_still_exist THEN
                 RAISE NOTICE 'role neonhub_app is still used by another database; kept';
             END
             $$;
