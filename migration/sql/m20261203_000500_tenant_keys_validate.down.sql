-- m20261203_000500_tenant_keys_validate (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

ALTER POLICY usage_records_tenant_isolation ON usage_records USING (EXISTS (SELECT 1 FROM subscriptions p WHERE p.id = usage_records.subscription_id)) WITH CHECK (EXISTS (SELECT 1 FROM subscriptions p WHERE p.id = usage_records.subscription_id));

ALTER POLICY invoices_tenant_isolation ON invoices USING (EXISTS (SELECT 1 FROM subscriptions p WHERE p.id = invoices.subscription_id)) WITH CHECK (EXISTS (SELECT 1 FROM subscriptions p WHERE p.id = invoices.subscription_id));

ALTER POLICY ab_tests_tenant_isolation ON ab_tests USING (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = ab_tests.campaign_id)) WITH CHECK (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = ab_tests.campaign_id));

ALTER POLICY social_posts_tenant_isolation ON social_posts USING (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = social_posts.campaign_id)) WITH CHECK (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = social_posts.campaign_id));

ALTER POLICY email_sequences_tenant_isolation ON email_sequences USING (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = email_sequences.campaign_id)) WITH CHECK (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = email_sequences.campaign_id));

ALTER POLICY campaign_metrics_tenant_isolation ON campaign_metrics USING (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = campaign_metrics.campaign_id)) WITH CHECK (EXISTS (SELECT 1 FROM campaigns p WHERE p.id = campaign_metrics.campaign_id));

ALTER POLICY training_jobs_tenant_isolation ON training_jobs USING (EXISTS (SELECT 1 FROM model_versions p WHERE p.id = training_jobs.model_version_id)) WITH CHECK (EXISTS (SELECT 1 FROM model_versions p WHERE p.id = training_jobs.model_version_id));

ALTER POLICY tool_executions_tenant_isolation ON tool_executions USING (EXISTS (SELECT 1 FROM tools p WHERE p.id = tool_executions.tool_id)) WITH CHECK (EXISTS (SELECT 1 FROM tools p WHERE p.id = tool_executions.tool_id));

ALTER POLICY agent_run_metrics_tenant_isolation ON agent_run_metrics USING (EXISTS (SELECT 1 FROM agent_runs p WHERE p.id = agent_run_metrics.agent_run_id)) WITH CHECK (EXISTS (SELECT 1 FROM agent_runs p WHERE p.id = agent_run_metrics.agent_run_id));

ALTER POLICY agent_configs_tenant_isolation ON agent_configs USING (EXISTS (SELECT 1 FROM agents p WHERE p.id = agent_configs.agent_id)) WITH CHECK (EXISTS (SELECT 1 FROM agents p WHERE p.id = agent_configs.agent_id));

ALTER POLICY agent_capabilities_tenant_isolation ON agent_capabilities USING (EXISTS (SELECT 1 FROM agents p WHERE p.id = agent_capabilities.agent_id)) WITH CHECK (EXISTS (SELECT 1 FROM agents p WHERE p.id = agent_capabilities.agent_id));

ALTER POLICY brand_assets_tenant_isolation ON brand_assets USING (EXISTS (SELECT 1 FROM brands p WHERE p.id = brand_assets.brand_id)) WITH CHECK (EXISTS (SELECT 1 FROM brands p WHERE p.id = brand_assets.brand_id));

ALTER POLICY brand_voices_tenant_isolation ON brand_voices USING (EXISTS (SELECT 1 FROM brands p WHERE p.id = brand_voices.brand_id)) WITH CHECK (EXISTS (SELECT 1 FROM brands p WHERE p.id = brand_voices.brand_id));

ALTER POLICY role_permissions_tenant_isolation ON role_permissions USING (EXISTS (SELECT 1 FROM organization_roles p WHERE p.id = role_permissions.role_id)) WITH CHECK (EXISTS (SELECT 1 FROM organization_roles p WHERE p.id = role_permissions.role_id));

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE usage_records ADD CONSTRAINT usage_records_subscription_id_fkey FOREIGN KEY (subscription_id) REFERENCES subscriptions (id) ON DELETE CASCADE;
                 ALTER TABLE usage_records DROP CONSTRAINT usage_records_subscription_id_user_id_fkey;
                 ALTER TABLE usage_records ADD CONSTRAINT usage_records_subscription_id_user_id_fkey FOREIGN KEY (subscription_id, user_id) REFERENCES subscriptions (id, user_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE invoices ADD CONSTRAINT invoices_subscription_id_fkey FOREIGN KEY (subscription_id) REFERENCES subscriptions (id) ON DELETE CASCADE;
                 ALTER TABLE invoices DROP CONSTRAINT invoices_subscription_id_user_id_fkey;
                 ALTER TABLE invoices ADD CONSTRAINT invoices_subscription_id_user_id_fkey FOREIGN KEY (subscription_id, user_id) REFERENCES subscriptions (id, user_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE ab_tests ADD CONSTRAINT ab_tests_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE;
                 ALTER TABLE ab_tests DROP CONSTRAINT ab_tests_campaign_id_organization_id_fkey;
                 ALTER TABLE ab_tests ADD CONSTRAINT ab_tests_campaign_id_organization_id_fkey FOREIGN KEY (campaign_id, organization_id) REFERENCES campaigns (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE social_posts ADD CONSTRAINT social_posts_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE;
                 ALTER TABLE social_posts DROP CONSTRAINT social_posts_campaign_id_organization_id_fkey;
                 ALTER TABLE social_posts ADD CONSTRAINT social_posts_campaign_id_organization_id_fkey FOREIGN KEY (campaign_id, organization_id) REFERENCES campaigns (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE email_sequences ADD CONSTRAINT email_sequences_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE;
                 ALTER TABLE email_sequences DROP CONSTRAINT email_sequences_campaign_id_organization_id_fkey;
                 ALTER TABLE email_sequences ADD CONSTRAINT email_sequences_campaign_id_organization_id_fkey FOREIGN KEY (campaign_id, organization_id) REFERENCES campaigns (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE campaign_metrics ADD CONSTRAINT campaign_metrics_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE;
                 ALTER TABLE campaign_metrics DROP CONSTRAINT campaign_metrics_campaign_id_organization_id_fkey;
                 ALTER TABLE campaign_metrics ADD CONSTRAINT campaign_metrics_campaign_id_organization_id_fkey FOREIGN KEY (campaign_id, organization_id) REFERENCES campaigns (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE inference_endpoints ADD CONSTRAINT inference_endpoints_model_version_id_fkey FOREIGN KEY (model_version_id) REFERENCES model_versions (id) ON DELETE SET NULL;
                 ALTER TABLE inference_endpoints DROP CONSTRAINT inference_endpoints_model_version_id_organization_id_fkey;
                 ALTER TABLE inference_endpoints ADD CONSTRAINT inference_endpoints_model_version_id_organization_id_fkey FOREIGN KEY (model_version_id, organization_id) REFERENCES model_versions (id, organization_id) ON DELETE SET NULL (model_version_id) NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE training_jobs ADD CONSTRAINT training_jobs_model_version_id_fkey FOREIGN KEY (model_version_id) REFERENCES model_versions (id) ON DELETE CASCADE;
                 ALTER TABLE training_jobs DROP CONSTRAINT training_jobs_model_version_id_organization_id_fkey;
                 ALTER TABLE training_jobs ADD CONSTRAINT training_jobs_model_version_id_organization_id_fkey FOREIGN KEY (model_version_id, organization_id) REFERENCES model_versions (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE messages ADD CONSTRAINT messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE;
                 ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_organization_id_fkey;
                 ALTER TABLE messages ADD CONSTRAINT messages_conversation_id_organization_id_fkey FOREIGN KEY (conversation_id, organization_id) REFERENCES conversations (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE tool_executions ADD CONSTRAINT tool_executions_tool_id_fkey FOREIGN KEY (tool_id) REFERENCES tools (id) ON DELETE CASCADE;
                 ALTER TABLE tool_executions DROP CONSTRAINT tool_executions_tool_id_organization_id_fkey;
                 ALTER TABLE tool_executions ADD CONSTRAINT tool_executions_tool_id_organization_id_fkey FOREIGN KEY (tool_id, organization_id) REFERENCES tools (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE tool_executions ADD CONSTRAINT tool_executions_agent_run_id_fkey FOREIGN KEY (agent_run_id) REFERENCES agent_runs (id) ON DELETE SET NULL;
                 ALTER TABLE tool_executions DROP CONSTRAINT tool_executions_agent_run_id_organization_id_fkey;
                 ALTER TABLE tool_executions ADD CONSTRAINT tool_executions_agent_run_id_organization_id_fkey FOREIGN KEY (agent_run_id, organization_id) REFERENCES agent_runs (id, organization_id) ON DELETE SET NULL (agent_run_id) NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE tools ADD CONSTRAINT tools_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE SET NULL;
                 ALTER TABLE tools DROP CONSTRAINT tools_agent_id_organization_id_fkey;
                 ALTER TABLE tools ADD CONSTRAINT tools_agent_id_organization_id_fkey FOREIGN KEY (agent_id, organization_id) REFERENCES agents (id, organization_id) ON DELETE SET NULL (agent_id) NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE agent_run_metrics ADD CONSTRAINT agent_run_metrics_agent_run_id_fkey FOREIGN KEY (agent_run_id) REFERENCES agent_runs (id) ON DELETE CASCADE;
                 ALTER TABLE agent_run_metrics DROP CONSTRAINT agent_run_metrics_agent_run_id_organization_id_fkey;
                 ALTER TABLE agent_run_metrics ADD CONSTRAINT agent_run_metrics_agent_run_id_organization_id_fkey FOREIGN KEY (agent_run_id, organization_id) REFERENCES agent_runs (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE agent_runs ADD CONSTRAINT agent_runs_dataset_id_fkey FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE SET NULL;
                 ALTER TABLE agent_runs DROP CONSTRAINT agent_runs_dataset_id_organization_id_fkey;
                 ALTER TABLE agent_runs ADD CONSTRAINT agent_runs_dataset_id_organization_id_fkey FOREIGN KEY (dataset_id, organization_id) REFERENCES datasets (id, organization_id) ON DELETE SET NULL (dataset_id) NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE agent_runs ADD CONSTRAINT agent_runs_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE CASCADE;
                 ALTER TABLE agent_runs DROP CONSTRAINT agent_runs_agent_id_organization_id_fkey;
                 ALTER TABLE agent_runs ADD CONSTRAINT agent_runs_agent_id_organization_id_fkey FOREIGN KEY (agent_id, organization_id) REFERENCES agents (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE agent_configs ADD CONSTRAINT agent_configs_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE CASCADE;
                 ALTER TABLE agent_configs DROP CONSTRAINT agent_configs_agent_id_organization_id_fkey;
                 ALTER TABLE agent_configs ADD CONSTRAINT agent_configs_agent_id_organization_id_fkey FOREIGN KEY (agent_id, organization_id) REFERENCES agents (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE agent_capabilities ADD CONSTRAINT agent_capabilities_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES agents (id) ON DELETE CASCADE;
                 ALTER TABLE agent_capabilities DROP CONSTRAINT agent_capabilities_agent_id_organization_id_fkey;
                 ALTER TABLE agent_capabilities ADD CONSTRAINT agent_capabilities_agent_id_organization_id_fkey FOREIGN KEY (agent_id, organization_id) REFERENCES agents (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE chunks ADD CONSTRAINT chunks_embedding_space_id_fkey FOREIGN KEY (embedding_space_id) REFERENCES embedding_spaces (id) ON DELETE CASCADE;
                 ALTER TABLE chunks DROP CONSTRAINT chunks_embedding_space_id_organization_id_fkey;
                 ALTER TABLE chunks ADD CONSTRAINT chunks_embedding_space_id_organization_id_fkey FOREIGN KEY (embedding_space_id, organization_id) REFERENCES embedding_spaces (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE chunks ADD CONSTRAINT chunks_document_id_fkey FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE;
                 ALTER TABLE chunks DROP CONSTRAINT chunks_document_id_organization_id_fkey;
                 ALTER TABLE chunks ADD CONSTRAINT chunks_document_id_organization_id_fkey FOREIGN KEY (document_id, organization_id) REFERENCES documents (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE chunks ADD CONSTRAINT chunks_dataset_id_fkey FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE CASCADE;
                 ALTER TABLE chunks DROP CONSTRAINT chunks_dataset_id_organization_id_fkey;
                 ALTER TABLE chunks ADD CONSTRAINT chunks_dataset_id_organization_id_fkey FOREIGN KEY (dataset_id, organization_id) REFERENCES datasets (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE documents ADD CONSTRAINT documents_embedding_space_id_fkey FOREIGN KEY (embedding_space_id) REFERENCES embedding_spaces (id) ON DELETE SET NULL;
                 ALTER TABLE documents DROP CONSTRAINT documents_embedding_space_id_organization_id_fkey;
                 ALTER TABLE documents ADD CONSTRAINT documents_embedding_space_id_organization_id_fkey FOREIGN KEY (embedding_space_id, organization_id) REFERENCES embedding_spaces (id, organization_id) ON DELETE SET NULL (embedding_space_id) NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE documents ADD CONSTRAINT documents_dataset_id_fkey FOREIGN KEY (dataset_id) REFERENCES datasets (id) ON DELETE SET NULL;
                 ALTER TABLE documents DROP CONSTRAINT documents_dataset_id_organization_id_fkey;
                 ALTER TABLE documents ADD CONSTRAINT documents_dataset_id_organization_id_fkey FOREIGN KEY (dataset_id, organization_id) REFERENCES datasets (id, organization_id) ON DELETE SET NULL (dataset_id) NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE datasets ADD CONSTRAINT datasets_embedding_space_id_fkey FOREIGN KEY (embedding_space_id) REFERENCES embedding_spaces (id) ON DELETE SET NULL;
                 ALTER TABLE datasets DROP CONSTRAINT datasets_embedding_space_id_organization_id_fkey;
                 ALTER TABLE datasets ADD CONSTRAINT datasets_embedding_space_id_organization_id_fkey FOREIGN KEY (embedding_space_id, organization_id) REFERENCES embedding_spaces (id, organization_id) ON DELETE SET NULL (embedding_space_id) NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE brand_assets ADD CONSTRAINT brand_assets_brand_id_fkey FOREIGN KEY (brand_id) REFERENCES brands (id) ON DELETE CASCADE;
                 ALTER TABLE brand_assets DROP CONSTRAINT brand_assets_brand_id_organization_id_fkey;
                 ALTER TABLE brand_assets ADD CONSTRAINT brand_assets_brand_id_organization_id_fkey FOREIGN KEY (brand_id, organization_id) REFERENCES brands (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE brand_voices ADD CONSTRAINT brand_voices_embedding_space_id_fkey FOREIGN KEY (embedding_space_id) REFERENCES embedding_spaces (id) ON DELETE CASCADE;
                 ALTER TABLE brand_voices DROP CONSTRAINT brand_voices_embedding_space_id_organization_id_fkey;
                 ALTER TABLE brand_voices ADD CONSTRAINT brand_voices_embedding_space_id_organization_id_fkey FOREIGN KEY (embedding_space_id, organization_id) REFERENCES embedding_spaces (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE brand_voices ADD CONSTRAINT brand_voices_brand_id_fkey FOREIGN KEY (brand_id) REFERENCES brands (id) ON DELETE CASCADE;
                 ALTER TABLE brand_voices DROP CONSTRAINT brand_voices_brand_id_organization_id_fkey;
                 ALTER TABLE brand_voices ADD CONSTRAINT brand_voices_brand_id_organization_id_fkey FOREIGN KEY (brand_id, organization_id) REFERENCES brands (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE organization_members ADD CONSTRAINT organization_members_role_id_fkey FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE SET NULL;
                 ALTER TABLE organization_members DROP CONSTRAINT organization_members_role_id_organization_id_fkey;
                 ALTER TABLE organization_members ADD CONSTRAINT organization_members_role_id_organization_id_fkey FOREIGN KEY (role_id, organization_id) REFERENCES organization_roles (id, organization_id) ON DELETE SET NULL (role_id) NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE role_permissions ADD CONSTRAINT role_permissions_permission_id_fkey FOREIGN KEY (permission_id) REFERENCES organization_permissions (id) ON DELETE CASCADE;
                 ALTER TABLE role_permissions DROP CONSTRAINT role_permissions_permission_id_organization_id_fkey;
                 ALTER TABLE role_permissions ADD CONSTRAINT role_permissions_permission_id_organization_id_fkey FOREIGN KEY (permission_id, organization_id) REFERENCES organization_permissions (id, organization_id) ON DELETE CASCADE NOT VALID;

-- A rollback restores the key as it was (validated, so one scan of the table).
-- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid
ALTER TABLE role_permissions ADD CONSTRAINT role_permissions_role_id_fkey FOREIGN KEY (role_id) REFERENCES organization_roles (id) ON DELETE CASCADE;
                 ALTER TABLE role_permissions DROP CONSTRAINT role_permissions_role_id_organization_id_fkey;
                 ALTER TABLE role_permissions ADD CONSTRAINT role_permissions_role_id_organization_id_fkey FOREIGN KEY (role_id, organization_id) REFERENCES organization_roles (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE usage_records ALTER COLUMN user_id DROP NOT NULL;
                 ALTER TABLE usage_records ADD CONSTRAINT usage_records_user_id_not_null CHECK (user_id IS NOT NULL) NOT VALID;

ALTER TABLE invoices ALTER COLUMN user_id DROP NOT NULL;
                 ALTER TABLE invoices ADD CONSTRAINT invoices_user_id_not_null CHECK (user_id IS NOT NULL) NOT VALID;

ALTER TABLE ab_tests ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE ab_tests ADD CONSTRAINT ab_tests_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE social_posts ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE social_posts ADD CONSTRAINT social_posts_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE email_sequences ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE email_sequences ADD CONSTRAINT email_sequences_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE campaign_metrics ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE campaign_metrics ADD CONSTRAINT campaign_metrics_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE training_jobs ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE training_jobs ADD CONSTRAINT training_jobs_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE tool_executions ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE tool_executions ADD CONSTRAINT tool_executions_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE agent_run_metrics ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE agent_run_metrics ADD CONSTRAINT agent_run_metrics_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE agent_configs ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE agent_configs ADD CONSTRAINT agent_configs_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE agent_capabilities ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE agent_capabilities ADD CONSTRAINT agent_capabilities_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE brand_assets ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE brand_assets ADD CONSTRAINT brand_assets_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE brand_voices ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE brand_voices ADD CONSTRAINT brand_voices_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE role_permissions ALTER COLUMN organization_id DROP NOT NULL;
                 ALTER TABLE role_permissions ADD CONSTRAINT role_permissions_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;
