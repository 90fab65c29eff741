-- m20261203_000400_tenant_keys_not_valid (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

ALTER TABLE usage_records DROP CONSTRAINT usage_records_subscription_id_user_id_fkey;

ALTER TABLE invoices DROP CONSTRAINT invoices_subscription_id_user_id_fkey;

ALTER TABLE ab_tests DROP CONSTRAINT ab_tests_campaign_id_organization_id_fkey;

ALTER TABLE social_posts DROP CONSTRAINT social_posts_campaign_id_organization_id_fkey;

ALTER TABLE email_sequences DROP CONSTRAINT email_sequences_campaign_id_organization_id_fkey;

ALTER TABLE campaign_metrics DROP CONSTRAINT campaign_metrics_campaign_id_organization_id_fkey;

ALTER TABLE inference_endpoints DROP CONSTRAINT inference_endpoints_model_version_id_organization_id_fkey;

ALTER TABLE training_jobs DROP CONSTRAINT training_jobs_model_version_id_organization_id_fkey;

ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_organization_id_fkey;

ALTER TABLE tool_executions DROP CONSTRAINT tool_executions_tool_id_organization_id_fkey;

ALTER TABLE tool_executions DROP CONSTRAINT tool_executions_agent_run_id_organization_id_fkey;

ALTER TABLE tools DROP CONSTRAINT tools_agent_id_organization_id_fkey;

ALTER TABLE agent_run_metrics DROP CONSTRAINT agent_run_metrics_agent_run_id_organization_id_fkey;

ALTER TABLE agent_runs DROP CONSTRAINT agent_runs_dataset_id_organization_id_fkey;

ALTER TABLE agent_runs DROP CONSTRAINT agent_runs_agent_id_organization_id_fkey;

ALTER TABLE agent_configs DROP CONSTRAINT agent_configs_agent_id_organization_id_fkey;

ALTER TABLE agent_capabilities DROP CONSTRAINT agent_capabilities_agent_id_organization_id_fkey;

ALTER TABLE chunks DROP CONSTRAINT chunks_embedding_space_id_organization_id_fkey;

ALTER TABLE chunks DROP CONSTRAINT chunks_document_id_organization_id_fkey;

ALTER TABLE chunks DROP CONSTRAINT chunks_dataset_id_organization_id_fkey;

ALTER TABLE documents DROP CONSTRAINT documents_embedding_space_id_organization_id_fkey;

ALTER TABLE documents DROP CONSTRAINT documents_dataset_id_organization_id_fkey;

ALTER TABLE datasets DROP CONSTRAINT datasets_embedding_space_id_organization_id_fkey;

ALTER TABLE brand_assets DROP CONSTRAINT brand_assets_brand_id_organization_id_fkey;

ALTER TABLE brand_voices DROP CONSTRAINT brand_voices_embedding_space_id_organization_id_fkey;

ALTER TABLE brand_voices DROP CONSTRAINT brand_voices_brand_id_organization_id_fkey;

ALTER TABLE organization_members DROP CONSTRAINT organization_members_role_id_organization_id_fkey;

ALTER TABLE role_permissions DROP CONSTRAINT role_permissions_permission_id_organization_id_fkey;

ALTER TABLE role_permissions DROP CONSTRAINT role_permissions_role_id_organization_id_fkey;

ALTER TABLE usage_records DROP CONSTRAINT usage_records_user_id_not_null;

ALTER TABLE invoices DROP CONSTRAINT invoices_user_id_not_null;

ALTER TABLE ab_tests DROP CONSTRAINT ab_tests_organization_id_not_null;

ALTER TABLE social_posts DROP CONSTRAINT social_posts_organization_id_not_null;

ALTER TABLE email_sequences DROP CONSTRAINT email_sequences_organization_id_not_null;

ALTER TABLE campaign_metrics DROP CONSTRAINT campaign_metrics_organization_id_not_null;

ALTER TABLE training_jobs DROP CONSTRAINT training_jobs_organization_id_not_null;

ALTER TABLE tool_executions DROP CONSTRAINT tool_executions_organization_id_not_null;

ALTER TABLE agent_run_metrics DROP CONSTRAINT agent_run_metrics_organization_id_not_null;

ALTER TABLE agent_configs DROP CONSTRAINT agent_configs_organization_id_not_null;

ALTER TABLE agent_capabilities DROP CONSTRAINT agent_capabilities_organization_id_not_null;

ALTER TABLE brand_assets DROP CONSTRAINT brand_assets_organization_id_not_null;

ALTER TABLE brand_voices DROP CONSTRAINT brand_voices_organization_id_not_null;

ALTER TABLE role_permissions DROP CONSTRAINT role_permissions_organization_id_not_null;
