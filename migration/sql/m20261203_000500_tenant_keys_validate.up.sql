-- m20261203_000500_tenant_keys_validate (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

ALTER TABLE role_permissions VALIDATE CONSTRAINT role_permissions_organization_id_not_null;

ALTER TABLE brand_voices VALIDATE CONSTRAINT brand_voices_organization_id_not_null;

ALTER TABLE brand_assets VALIDATE CONSTRAINT brand_assets_organization_id_not_null;

ALTER TABLE agent_capabilities VALIDATE CONSTRAINT agent_capabilities_organization_id_not_null;

ALTER TABLE agent_configs VALIDATE CONSTRAINT agent_configs_organization_id_not_null;

ALTER TABLE agent_run_metrics VALIDATE CONSTRAINT agent_run_metrics_organization_id_not_null;

ALTER TABLE tool_executions VALIDATE CONSTRAINT tool_executions_organization_id_not_null;

ALTER TABLE training_jobs VALIDATE CONSTRAINT training_jobs_organization_id_not_null;

ALTER TABLE campaign_metrics VALIDATE CONSTRAINT campaign_metrics_organization_id_not_null;

ALTER TABLE email_sequences VALIDATE CONSTRAINT email_sequences_organization_id_not_null;

ALTER TABLE social_posts VALIDATE CONSTRAINT social_posts_organization_id_not_null;

ALTER TABLE ab_tests VALIDATE CONSTRAINT ab_tests_organization_id_not_null;

ALTER TABLE invoices VALIDATE CONSTRAINT invoices_user_id_not_null;

ALTER TABLE usage_records VALIDATE CONSTRAINT usage_records_user_id_not_null;

ALTER TABLE role_permissions VALIDATE CONSTRAINT role_permissions_role_id_organization_id_fkey;

ALTER TABLE role_permissions VALIDATE CONSTRAINT role_permissions_permission_id_organization_id_fkey;

ALTER TABLE organization_members VALIDATE CONSTRAINT organization_members_role_id_organization_id_fkey;

ALTER TABLE brand_voices VALIDATE CONSTRAINT brand_voices_brand_id_organization_id_fkey;

ALTER TABLE brand_voices VALIDATE CONSTRAINT brand_voices_embedding_space_id_organization_id_fkey;

ALTER TABLE brand_assets VALIDATE CONSTRAINT brand_assets_brand_id_organization_id_fkey;

ALTER TABLE datasets VALIDATE CONSTRAINT datasets_embedding_space_id_organization_id_fkey;

ALTER TABLE documents VALIDATE CONSTRAINT documents_dataset_id_organization_id_fkey;

ALTER TABLE documents VALIDATE CONSTRAINT documents_embedding_space_id_organization_id_fkey;

ALTER TABLE chunks VALIDATE CONSTRAINT chunks_dataset_id_organization_id_fkey;

ALTER TABLE chunks VALIDATE CONSTRAINT chunks_document_id_organization_id_fkey;

ALTER TABLE chunks VALIDATE CONSTRAINT chunks_embedding_space_id_organization_id_fkey;

ALTER TABLE agent_capabilities VALIDATE CONSTRAINT agent_capabilities_agent_id_organization_id_fkey;

ALTER TABLE agent_configs VALIDATE CONSTRAINT agent_configs_agent_id_organization_id_fkey;

ALTER TABLE agent_runs VALIDATE CONSTRAINT agent_runs_agent_id_organization_id_fkey;

ALTER TABLE agent_runs VALIDATE CONSTRAINT agent_runs_dataset_id_organization_id_fkey;

ALTER TABLE agent_run_metrics VALIDATE CONSTRAINT agent_run_metrics_agent_run_id_organization_id_fkey;

ALTER TABLE tools VALIDATE CONSTRAINT tools_agent_id_organization_id_fkey;

ALTER TABLE tool_executions VALIDATE CONSTRAINT tool_executions_agent_run_id_organization_id_fkey;

ALTER TABLE tool_executions VALIDATE CONSTRAINT tool_executions_tool_id_organization_id_fkey;

ALTER TABLE messages VALIDATE CONSTRAINT messages_conversation_id_organization_id_fkey;

ALTER TABLE training_jobs VALIDATE CONSTRAINT training_jobs_model_version_id_organization_id_fkey;

ALTER TABLE inference_endpoints VALIDATE CONSTRAINT inference_endpoints_model_version_id_organization_id_fkey;

ALTER TABLE campaign_metrics VALIDATE CONSTRAINT campaign_metrics_campaign_id_organization_id_fkey;

ALTER TABLE email_sequences VALIDATE CONSTRAINT email_sequences_campaign_id_organization_id_fkey;

ALTER TABLE social_posts VALIDATE CONSTRAINT social_posts_campaign_id_organization_id_fkey;

ALTER TABLE ab_tests VALIDATE CONSTRAINT ab_tests_campaign_id_organization_id_fkey;

ALTER TABLE invoices VALIDATE CONSTRAINT invoices_subscription_id_user_id_fkey;

ALTER TABLE usage_records VALIDATE CONSTRAINT usage_records_subscription_id_user_id_fkey;

ALTER TABLE role_permissions ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE role_permissions DROP CONSTRAINT role_permissions_organization_id_not_null;

ALTER TABLE brand_voices ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE brand_voices DROP CONSTRAINT brand_voices_organization_id_not_null;

ALTER TABLE brand_assets ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE brand_assets DROP CONSTRAINT brand_assets_organization_id_not_null;

ALTER TABLE agent_capabilities ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE agent_capabilities DROP CONSTRAINT agent_capabilities_organization_id_not_null;

ALTER TABLE agent_configs ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE agent_configs DROP CONSTRAINT agent_configs_organization_id_not_null;

ALTER TABLE agent_run_metrics ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE agent_run_metrics DROP CONSTRAINT agent_run_metrics_organization_id_not_null;

ALTER TABLE tool_executions ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE tool_executions DROP CONSTRAINT tool_executions_organization_id_not_null;

ALTER TABLE training_jobs ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE training_jobs DROP CONSTRAINT training_jobs_organization_id_not_null;

ALTER TABLE campaign_metrics ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE campaign_metrics DROP CONSTRAINT campaign_metrics_organization_id_not_null;

ALTER TABLE email_sequences ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE email_sequences DROP CONSTRAINT email_sequences_organization_id_not_null;

ALTER TABLE social_posts ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE social_posts DROP CONSTRAINT social_posts_organization_id_not_null;

ALTER TABLE ab_tests ALTER COLUMN organization_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE ab_tests DROP CONSTRAINT ab_tests_organization_id_not_null;

ALTER TABLE invoices ALTER COLUMN user_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE invoices DROP CONSTRAINT invoices_user_id_not_null;

ALTER TABLE usage_records ALTER COLUMN user_id SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE usage_records DROP CONSTRAINT usage_records_user_id_not_null;

-- Replaced by the validated key (role_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE role_permissions DROP CONSTRAINT role_permissions_role_id_fkey;

-- Replaced by the validated key (permission_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE role_permissions DROP CONSTRAINT role_permissions_permission_id_fkey;

-- Replaced by the validated key (role_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE organization_members DROP CONSTRAINT organization_members_role_id_fkey;

-- Replaced by the validated key (brand_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE brand_voices DROP CONSTRAINT brand_voices_brand_id_fkey;

-- Replaced by the validated key (embedding_space_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE brand_voices DROP CONSTRAINT brand_voices_embedding_space_id_fkey;

-- Replaced by the validated key (brand_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE brand_assets DROP CONSTRAINT brand_assets_brand_id_fkey;

-- Replaced by the validated key (embedding_space_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE datasets DROP CONSTRAINT datasets_embedding_space_id_fkey;

-- Replaced by the validated key (dataset_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE documents DROP CONSTRAINT documents_dataset_id_fkey;

-- Replaced by the validated key (embedding_space_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE documents DROP CONSTRAINT documents_embedding_space_id_fkey;

-- Replaced by the validated key (dataset_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE chunks DROP CONSTRAINT chunks_dataset_id_fkey;

-- Replaced by the validated key (document_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE chunks DROP CONSTRAINT chunks_document_id_fkey;

-- Replaced by the validated key (embedding_space_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE chunks DROP CONSTRAINT chunks_embedding_space_id_fkey;

-- Replaced by the validated key (agent_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE agent_capabilities DROP CONSTRAINT agent_capabilities_agent_id_fkey;

-- Replaced by the validated key (agent_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE agent_configs DROP CONSTRAINT agent_configs_agent_id_fkey;

-- Replaced by the validated key (agent_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE agent_runs DROP CONSTRAINT agent_runs_agent_id_fkey;

-- Replaced by the validated key (dataset_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE agent_runs DROP CONSTRAINT agent_runs_dataset_id_fkey;

-- Replaced by the validated key (agent_run_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE agent_run_metrics DROP CONSTRAINT agent_run_metrics_agent_run_id_fkey;

-- Replaced by the validated key (agent_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE tools DROP CONSTRAINT tools_agent_id_fkey;

-- Replaced by the validated key (agent_run_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE tool_executions DROP CONSTRAINT tool_executions_agent_run_id_fkey;

-- Replaced by the validated key (tool_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE tool_executions DROP CONSTRAINT tool_executions_tool_id_fkey;

-- Replaced by the validated key (conversation_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_fkey;

-- Replaced by the validated key (model_version_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE training_jobs DROP CONSTRAINT training_jobs_model_version_id_fkey;

-- Replaced by the validated key (model_version_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE inference_endpoints DROP CONSTRAINT inference_endpoints_model_version_id_fkey;

-- Replaced by the validated key (campaign_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE campaign_metrics DROP CONSTRAINT campaign_metrics_campaign_id_fkey;

-- Replaced by the validated key (campaign_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE email_sequences DROP CONSTRAINT email_sequences_campaign_id_fkey;

-- Replaced by the validated key (campaign_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE social_posts DROP CONSTRAINT social_posts_campaign_id_fkey;

-- Replaced by the validated key (campaign_id, organization_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE ab_tests DROP CONSTRAINT ab_tests_campaign_id_fkey;

-- Replaced by the validated key (subscription_id, user_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE invoices DROP CONSTRAINT invoices_subscription_id_fkey;

-- Replaced by the validated key (subscription_id, user_id), which guarantees more.
-- squawk-ignore ban-drop-constraint
ALTER TABLE usage_records DROP CONSTRAINT usage_records_subscription_id_fkey;

ALTER POLICY role_permissions_tenant_isolation ON role_permissions USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY brand_voices_tenant_isolation ON brand_voices USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY brand_assets_tenant_isolation ON brand_assets USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY agent_capabilities_tenant_isolation ON agent_capabilities USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY agent_configs_tenant_isolation ON agent_configs USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY agent_run_metrics_tenant_isolation ON agent_run_metrics USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY tool_executions_tenant_isolation ON tool_executions USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY training_jobs_tenant_isolation ON training_jobs USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY campaign_metrics_tenant_isolation ON campaign_metrics USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY email_sequences_tenant_isolation ON email_sequences USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY social_posts_tenant_isolation ON social_posts USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY ab_tests_tenant_isolation ON ab_tests USING (organization_id = app_current_org_id()) WITH CHECK (organization_id = app_current_org_id());

ALTER POLICY invoices_tenant_isolation ON invoices USING (user_id = app_current_user_id()) WITH CHECK (user_id = app_current_user_id());

ALTER POLICY usage_records_tenant_isolation ON usage_records USING (user_id = app_current_user_id()) WITH CHECK (user_id = app_current_user_id());
