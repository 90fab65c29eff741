-- m20261203_000400_tenant_keys_not_valid (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

ALTER TABLE role_permissions ADD CONSTRAINT role_permissions_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE brand_voices ADD CONSTRAINT brand_voices_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE brand_assets ADD CONSTRAINT brand_assets_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE agent_capabilities ADD CONSTRAINT agent_capabilities_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE agent_configs ADD CONSTRAINT agent_configs_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE agent_run_metrics ADD CONSTRAINT agent_run_metrics_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE tool_executions ADD CONSTRAINT tool_executions_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE training_jobs ADD CONSTRAINT training_jobs_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE campaign_metrics ADD CONSTRAINT campaign_metrics_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE email_sequences ADD CONSTRAINT email_sequences_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE social_posts ADD CONSTRAINT social_posts_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE ab_tests ADD CONSTRAINT ab_tests_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;

ALTER TABLE invoices ADD CONSTRAINT invoices_user_id_not_null CHECK (user_id IS NOT NULL) NOT VALID;

ALTER TABLE usage_records ADD CONSTRAINT usage_records_user_id_not_null CHECK (user_id IS NOT NULL) NOT VALID;

ALTER TABLE role_permissions ADD CONSTRAINT role_permissions_role_id_organization_id_fkey FOREIGN KEY (role_id, organization_id) REFERENCES organization_roles (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE role_permissions ADD CONSTRAINT role_permissions_permission_id_organization_id_fkey FOREIGN KEY (permission_id, organization_id) REFERENCES organization_permissions (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE organization_members ADD CONSTRAINT organization_members_role_id_organization_id_fkey FOREIGN KEY (role_id, organization_id) REFERENCES organization_roles (id, organization_id) ON DELETE SET NULL (role_id) NOT VALID;

ALTER TABLE brand_voices ADD CONSTRAINT brand_voices_brand_id_organization_id_fkey FOREIGN KEY (brand_id, organization_id) REFERENCES brands (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE brand_voices ADD CONSTRAINT brand_voices_embedding_space_id_organization_id_fkey FOREIGN KEY (embedding_space_id, organization_id) REFERENCES embedding_spaces (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE brand_assets ADD CONSTRAINT brand_assets_brand_id_organization_id_fkey FOREIGN KEY (brand_id, organization_id) REFERENCES brands (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE datasets ADD CONSTRAINT datasets_embedding_space_id_organization_id_fkey FOREIGN KEY (embedding_space_id, organization_id) REFERENCES embedding_spaces (id, organization_id) ON DELETE SET NULL (embedding_space_id) NOT VALID;

ALTER TABLE documents ADD CONSTRAINT documents_dataset_id_organization_id_fkey FOREIGN KEY (dataset_id, organization_id) REFERENCES datasets (id, organization_id) ON DELETE SET NULL (dataset_id) NOT VALID;

ALTER TABLE documents ADD CONSTRAINT documents_embedding_space_id_organization_id_fkey FOREIGN KEY (embedding_space_id, organization_id) REFERENCES embedding_spaces (id, organization_id) ON DELETE SET NULL (embedding_space_id) NOT VALID;

ALTER TABLE chunks ADD CONSTRAINT chunks_dataset_id_organization_id_fkey FOREIGN KEY (dataset_id, organization_id) REFERENCES datasets (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE chunks ADD CONSTRAINT chunks_document_id_organization_id_fkey FOREIGN KEY (document_id, organization_id) REFERENCES documents (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE chunks ADD CONSTRAINT chunks_embedding_space_id_organization_id_fkey FOREIGN KEY (embedding_space_id, organization_id) REFERENCES embedding_spaces (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE agent_capabilities ADD CONSTRAINT agent_capabilities_agent_id_organization_id_fkey FOREIGN KEY (agent_id, organization_id) REFERENCES agents (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE agent_configs ADD CONSTRAINT agent_configs_agent_id_organization_id_fkey FOREIGN KEY (agent_id, organization_id) REFERENCES agents (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE agent_runs ADD CONSTRAINT agent_runs_agent_id_organization_id_fkey FOREIGN KEY (agent_id, organization_id) REFERENCES agents (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE agent_runs ADD CONSTRAINT agent_runs_dataset_id_organization_id_fkey FOREIGN KEY (dataset_id, organization_id) REFERENCES datasets (id, organization_id) ON DELETE SET NULL (dataset_id) NOT VALID;

ALTER TABLE agent_run_metrics ADD CONSTRAINT agent_run_metrics_agent_run_id_organization_id_fkey FOREIGN KEY (agent_run_id, organization_id) REFERENCES agent_runs (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE tools ADD CONSTRAINT tools_agent_id_organization_id_fkey FOREIGN KEY (agent_id, organization_id) REFERENCES agents (id, organization_id) ON DELETE SET NULL (agent_id) NOT VALID;

ALTER TABLE tool_executions ADD CONSTRAINT tool_executions_agent_run_id_organization_id_fkey FOREIGN KEY (agent_run_id, organization_id) REFERENCES agent_runs (id, organization_id) ON DELETE SET NULL (agent_run_id) NOT VALID;

ALTER TABLE tool_executions ADD CONSTRAINT tool_executions_tool_id_organization_id_fkey FOREIGN KEY (tool_id, organization_id) REFERENCES tools (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE messages ADD CONSTRAINT messages_conversation_id_organization_id_fkey FOREIGN KEY (conversation_id, organization_id) REFERENCES conversations (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE training_jobs ADD CONSTRAINT training_jobs_model_version_id_organization_id_fkey FOREIGN KEY (model_version_id, organization_id) REFERENCES model_versions (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE inference_endpoints ADD CONSTRAINT inference_endpoints_model_version_id_organization_id_fkey FOREIGN KEY (model_version_id, organization_id) REFERENCES model_versions (id, organization_id) ON DELETE SET NULL (model_version_id) NOT VALID;

ALTER TABLE campaign_metrics ADD CONSTRAINT campaign_metrics_campaign_id_organization_id_fkey FOREIGN KEY (campaign_id, organization_id) REFERENCES campaigns (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE email_sequences ADD CONSTRAINT email_sequences_campaign_id_organization_id_fkey FOREIGN KEY (campaign_id, organization_id) REFERENCES campaigns (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE social_posts ADD CONSTRAINT social_posts_campaign_id_organization_id_fkey FOREIGN KEY (campaign_id, organization_id) REFERENCES campaigns (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE ab_tests ADD CONSTRAINT ab_tests_campaign_id_organization_id_fkey FOREIGN KEY (campaign_id, organization_id) REFERENCES campaigns (id, organization_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE invoices ADD CONSTRAINT invoices_subscription_id_user_id_fkey FOREIGN KEY (subscription_id, user_id) REFERENCES subscriptions (id, user_id) ON DELETE CASCADE NOT VALID;

ALTER TABLE usage_records ADD CONSTRAINT usage_records_subscription_id_user_id_fkey FOREIGN KEY (subscription_id, user_id) REFERENCES subscriptions (id, user_id) ON DELETE CASCADE NOT VALID;
