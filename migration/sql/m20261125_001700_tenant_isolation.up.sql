-- m20261125_001700_tenant_isolation (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'neonhub_app') THEN
        CREATE ROLE neonhub_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    -- Another database of this cluster created the role at the same moment: reuse it.
    NULL;
END
$$;

CREATE FUNCTION app_current_org_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.current_org_id', true), '')::uuid $$;
CREATE FUNCTION app_current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.current_user_id', true), '')::uuid $$;
GRANT USAGE ON SCHEMA public TO neonhub_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON users, accounts, sessions, verification_tokens, user_settings, organizations, organization_roles, organization_permissions, role_permissions, organization_members, api_keys, team_members, embedding_spaces, brands, brand_voices, brand_assets, agents, agent_capabilities, agent_configs, agent_runs, agent_run_metrics, tools, tool_executions, agent_jobs, conversations, messages, datasets, documents, chunks, model_versions, training_jobs, inference_endpoints, content, content_drafts, campaigns, campaign_metrics, email_sequences, social_posts, ab_tests, metric_events, subscriptions, invoices, usage_records, tasks, feedback, audit_logs, connectors, connector_auths, trigger_configs, action_configs, credentials TO neonhub_app;

ALTER TABLE organization_roles ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY organization_roles_tenant_isolation ON organization_roles TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE organization_permissions ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY organization_permissions_tenant_isolation ON organization_permissions TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE organization_members ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY organization_members_tenant_isolation ON organization_members TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY api_keys_tenant_isolation ON api_keys TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE embedding_spaces ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY embedding_spaces_tenant_isolation ON embedding_spaces TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE brands ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY brands_tenant_isolation ON brands TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE agents ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY agents_tenant_isolation ON agents TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE agent_runs ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY agent_runs_tenant_isolation ON agent_runs TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE tools ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY tools_tenant_isolation ON tools TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY conversations_tenant_isolation ON conversations TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY messages_tenant_isolation ON messages TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE datasets ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY datasets_tenant_isolation ON datasets TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY documents_tenant_isolation ON documents TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE chunks ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY chunks_tenant_isolation ON chunks TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE model_versions ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY model_versions_tenant_isolation ON model_versions TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE inference_endpoints ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY inference_endpoints_tenant_isolation ON inference_endpoints TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE content ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY content_tenant_isolation ON content TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE campaigns ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY campaigns_tenant_isolation ON campaigns TO neonhub_app
                     USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER TABLE team_members ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY team_members_tenant_isolation ON team_members TO neonhub_app
                     USING (organization_id = app_current_org_id() OR (organization_id IS NULL AND user_id = app_current_user_id())) WITH CHECK (organization_id = app_current_org_id() OR (organization_id IS NULL AND user_id = app_current_user_id()));

ALTER TABLE agent_jobs ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY agent_jobs_tenant_isolation ON agent_jobs TO neonhub_app
                     USING (organization_id = app_current_org_id() OR (organization_id IS NULL AND created_by_id = app_current_user_id())) WITH CHECK (organization_id = app_current_org_id() OR (organization_id IS NULL AND created_by_id = app_current_user_id()));

ALTER TABLE content_drafts ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY content_drafts_tenant_isolation ON content_drafts TO neonhub_app
                     USING (organization_id = app_current_org_id() OR (organization_id IS NULL AND created_by_id = app_current_user_id())) WITH CHECK (organization_id = app_current_org_id() OR (organization_id IS NULL AND created_by_id = app_current_user_id()));

ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY tasks_tenant_isolation ON tasks TO neonhub_app
                     USING (organization_id = app_current_org_id() OR (organization_id IS NULL AND created_by_id = app_current_user_id())) WITH CHECK (organization_id = app_current_org_id() OR (organization_id IS NULL AND created_by_id = app_current_user_id()));

ALTER TABLE feedback ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY feedback_tenant_isolation ON feedback TO neonhub_app
                     USING (organization_id = app_current_org_id() OR (organization_id IS NULL AND user_id = app_current_user_id())) WITH CHECK (organization_id = app_current_org_id() OR (organization_id IS NULL AND user_id = app_current_user_id()));

ALTER TABLE audit_logs ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY audit_logs_tenant_isolation ON audit_logs TO neonhub_app
                     USING (organization_id = app_current_org_id() OR (organization_id IS NULL AND user_id = app_current_user_id())) WITH CHECK (organization_id = app_current_org_id() OR (organization_id IS NULL AND user_id = app_current_user_id()));

ALTER TABLE connector_auths ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY connector_auths_tenant_isolation ON connector_auths TO neonhub_app
                     USING (organization_id = app_current_org_id() OR (organization_id IS NULL AND user_id = app_current_user_id())) WITH CHECK (organization_id = app_current_org_id() OR (organization_id IS NULL AND user_id = app_current_user_id()));

ALTER TABLE role_permissions ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY role_permissions_tenant_isolation ON role_permissions TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM organization_roles p WHERE p.id = role_permissions.role_id)) WITH CHECK (EXISTS (SELECT 1 FROM organization_roles p WHERE p.id = role_permissions.role_id));

ALTER TABLE brand_voices ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY brand_voices_tenant_isolation ON brand_voices TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM brands p WHERE p.id = brand_voices.brand_id)) WITH CHECK (EXISTS (SELECT 1 FROM brands p WHERE p.id = brand_voices.brand_id));

ALTER TABLE brand_assets ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY brand_assets_tenant_isolation ON brand_assets TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM brands p WHERE p.id = brand_assets.brand_id)) WITH CHECK (EXISTS (SELECT 1 FROM brands p WHERE p.id = brand_assets.brand_id));

ALTER TABLE agent_capabilities ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY agent_capabilities_tenant_isolation ON agent_capabilities TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM agents p WHERE p.id = agent_capabilities.agent_id)) WITH CHECK (EXISTS (SELECT 1 FROM agents p WHERE p.id = agent_capabilities.agent_id));

ALTER TABLE agent_configs ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY agent_configs_tenant_isolation ON agent_configs TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM agents p WHERE p.id = agent_configs.agent_id)) WITH CHECK (EXISTS (SELECT 1 FROM agents p WHERE p.id = agent_configs.agent_id));

ALTER TABLE agent_run_metrics ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY agent_run_metrics_tenant_isolation ON agent_run_metrics TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM agent_runs p WHERE p.id = agent_run_metrics.agent_run_id)) WITH CHECK (EXISTS (SELECT 1 FROM agent_runs p WHERE p.id = agent_run_metrics.agent_run_id));

ALTER TABLE tool_executions ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY tool_executions_tenant_isolation ON tool_executions TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM tools p WHERE p.id = tool_executions.tool_id)) WITH CHECK (EXISTS (SELECT 1 FROM tools p WHERE p.id = tool_executions.tool_id));

ALTER TABLE training_jobs ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY training_jobs_tenant_isolation ON training_jobs TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM model_versions p WHERE p.id = training_jobs.model_version_id)) WITH CHECK (EXISTS (SELECT 1 FROM model_versions p WHERE p.id = training_jobs.model_version_id));

ALTER TABLE campaign_metrics ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY campaign_metrics_tenant_isolation ON campaign_metrics TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = campaign_metrics.campaign_id)) WITH CHECK (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = campaign_metrics.campaign_id));

ALTER TABLE email_sequences ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY email_sequences_tenant_isolation ON email_sequences TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = email_sequences.campaign_id)) WITH CHECK (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = email_sequences.campaign_id));

ALTER TABLE social_posts ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY social_posts_tenant_isolation ON social_posts TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = social_posts.campaign_id)) WITH CHECK (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = social_posts.campaign_id));

ALTER TABLE ab_tests ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY ab_tests_tenant_isolation ON ab_tests TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = ab_tests.campaign_id)) WITH CHECK (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = ab_tests.campaign_id));

ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY invoices_tenant_isolation ON invoices TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM subscriptions p WHERE p.id = invoices.subscription_id)) WITH CHECK (EXISTS (SELECT 1 FROM subscriptions p WHERE p.id = invoices.subscription_id));

ALTER TABLE usage_records ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY usage_records_tenant_isolation ON usage_records TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM subscriptions p WHERE p.id = usage_records.subscription_id)) WITH CHECK (EXISTS (SELECT 1 FROM subscriptions p WHERE p.id = usage_records.subscription_id));

ALTER TABLE trigger_configs ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY trigger_configs_tenant_isolation ON trigger_configs TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM connector_auths p WHERE p.id = trigger_configs.connector_auth_id)) WITH CHECK (EXISTS (SELECT 1 FROM connector_auths p WHERE p.id = trigger_configs.connector_auth_id));

ALTER TABLE action_configs ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY action_configs_tenant_isolation ON action_configs TO neonhub_app
                     USING (EXISTS (SELECT 1 FROM connector_auths p WHERE p.id = action_configs.connector_auth_id)) WITH CHECK (EXISTS (SELECT 1 FROM connector_auths p WHERE p.id = action_configs.connector_auth_id));

ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY accounts_tenant_isolation ON accounts TO neonhub_app
                     USING (user_id = app_current_user_id()) WITH CHECK (user_id = app_current_user_id());

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY sessions_tenant_isolation ON sessions TO neonhub_app
                     USING (user_id = app_current_user_id()) WITH CHECK (user_id = app_current_user_id());

ALTER TABLE user_settings ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY user_settings_tenant_isolation ON user_settings TO neonhub_app
                     USING (user_id = app_current_user_id()) WITH CHECK (user_id = app_current_user_id());

ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY subscriptions_tenant_isolation ON subscriptions TO neonhub_app
                     USING (user_id = app_current_user_id()) WITH CHECK (user_id = app_current_user_id());

ALTER TABLE credentials ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY credentials_tenant_isolation ON credentials TO neonhub_app
                     USING (user_id = app_current_user_id()) WITH CHECK (user_id = app_current_user_id());

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY organizations_tenant_isolation ON organizations TO neonhub_app
                     USING (id = app_current_org_id()) WITH CHECK (id = app_current_org_id());

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
                 CREATE POLICY users_tenant_isolation ON users TO neonhub_app
                     USING (id = app_current_user_id() OR EXISTS (SELECT 1 FROM organization_members m WHERE m.user_id = users.id AND m.organization_id = app_current_org_id())) WITH CHECK (id = app_current_user_id() OR EXISTS (SELECT 1 FROM organization_members m WHERE m.user_id = users.id AND m.organization_id = app_current_org_id()));

ALTER TABLE connectors ENABLE ROW LEVEL SECURITY;
             CREATE POLICY connectors_read_only ON connectors FOR SELECT TO neonhub_app USING (true);
