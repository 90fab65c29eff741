-- m20261203_000200_child_tenant_columns (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP TRIGGER usage_records_fill_user_id ON usage_records;
                 ALTER TABLE usage_records DROP COLUMN user_id;

DROP TRIGGER invoices_fill_user_id ON invoices;
                 ALTER TABLE invoices DROP COLUMN user_id;

DROP TRIGGER ab_tests_fill_organization_id ON ab_tests;
                 ALTER TABLE ab_tests DROP COLUMN organization_id;

DROP TRIGGER social_posts_fill_organization_id ON social_posts;
                 ALTER TABLE social_posts DROP COLUMN organization_id;

DROP TRIGGER email_sequences_fill_organization_id ON email_sequences;
                 ALTER TABLE email_sequences DROP COLUMN organization_id;

DROP TRIGGER campaign_metrics_fill_organization_id ON campaign_metrics;
                 ALTER TABLE campaign_metrics DROP COLUMN organization_id;

DROP TRIGGER training_jobs_fill_organization_id ON training_jobs;
                 ALTER TABLE training_jobs DROP COLUMN organization_id;

DROP TRIGGER tool_executions_fill_organization_id ON tool_executions;
                 ALTER TABLE tool_executions DROP COLUMN organization_id;

DROP TRIGGER agent_run_metrics_fill_organization_id ON agent_run_metrics;
                 ALTER TABLE agent_run_metrics DROP COLUMN organization_id;

DROP TRIGGER agent_configs_fill_organization_id ON agent_configs;
                 ALTER TABLE agent_configs DROP COLUMN organization_id;

DROP TRIGGER agent_capabilities_fill_organization_id ON agent_capabilities;
                 ALTER TABLE agent_capabilities DROP COLUMN organization_id;

DROP TRIGGER brand_assets_fill_organization_id ON brand_assets;
                 ALTER TABLE brand_assets DROP COLUMN organization_id;

DROP TRIGGER brand_voices_fill_organization_id ON brand_voices;
                 ALTER TABLE brand_voices DROP COLUMN organization_id;

DROP TRIGGER role_permissions_fill_organization_id ON role_permissions;
                 ALTER TABLE role_permissions DROP COLUMN organization_id;

DROP FUNCTION tenant_fill_from_parent();
