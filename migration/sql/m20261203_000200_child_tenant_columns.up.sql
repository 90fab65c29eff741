-- m20261203_000200_child_tenant_columns (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE FUNCTION tenant_fill_from_parent() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
-- TG_ARGV: the tenant column, the foreign key column, the parent table.
DECLARE
    parent_id uuid := (pg_catalog.to_jsonb(NEW) ->> TG_ARGV[1])::uuid;
    tenant uuid;
BEGIN
    EXECUTE pg_catalog.format('SELECT %I FROM public.%I WHERE id = $1', TG_ARGV[0], TG_ARGV[2])
        INTO tenant USING parent_id;
    RETURN pg_catalog.jsonb_populate_record(NEW, pg_catalog.jsonb_build_object(TG_ARGV[0], tenant));
END
$$;

ALTER TABLE role_permissions ADD COLUMN organization_id uuid;
                 CREATE TRIGGER role_permissions_fill_organization_id BEFORE INSERT ON role_permissions FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'role_id', 'organization_roles');

ALTER TABLE brand_voices ADD COLUMN organization_id uuid;
                 CREATE TRIGGER brand_voices_fill_organization_id BEFORE INSERT ON brand_voices FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'brand_id', 'brands');

ALTER TABLE brand_assets ADD COLUMN organization_id uuid;
                 CREATE TRIGGER brand_assets_fill_organization_id BEFORE INSERT ON brand_assets FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'brand_id', 'brands');

ALTER TABLE agent_capabilities ADD COLUMN organization_id uuid;
                 CREATE TRIGGER agent_capabilities_fill_organization_id BEFORE INSERT ON agent_capabilities FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'agent_id', 'agents');

ALTER TABLE agent_configs ADD COLUMN organization_id uuid;
                 CREATE TRIGGER agent_configs_fill_organization_id BEFORE INSERT ON agent_configs FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'agent_id', 'agents');

ALTER TABLE agent_run_metrics ADD COLUMN organization_id uuid;
                 CREATE TRIGGER agent_run_metrics_fill_organization_id BEFORE INSERT ON agent_run_metrics FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'agent_run_id', 'agent_runs');

ALTER TABLE tool_executions ADD COLUMN organization_id uuid;
                 CREATE TRIGGER tool_executions_fill_organization_id BEFORE INSERT ON tool_executions FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'tool_id', 'tools');

ALTER TABLE training_jobs ADD COLUMN organization_id uuid;
                 CREATE TRIGGER training_jobs_fill_organization_id BEFORE INSERT ON training_jobs FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'model_version_id', 'model_versions');

ALTER TABLE campaign_metrics ADD COLUMN organization_id uuid;
                 CREATE TRIGGER campaign_metrics_fill_organization_id BEFORE INSERT ON campaign_metrics FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'campaign_id', 'campaigns');

ALTER TABLE email_sequences ADD COLUMN organization_id uuid;
                 CREATE TRIGGER email_sequences_fill_organization_id BEFORE INSERT ON email_sequences FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'campaign_id', 'campaigns');

ALTER TABLE social_posts ADD COLUMN organization_id uuid;
                 CREATE TRIGGER social_posts_fill_organization_id BEFORE INSERT ON social_posts FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'campaign_id', 'campaigns');

ALTER TABLE ab_tests ADD COLUMN organization_id uuid;
                 CREATE TRIGGER ab_tests_fill_organization_id BEFORE INSERT ON ab_tests FOR EACH ROW
                     WHEN (NEW.organization_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('organization_id', 'campaign_id', 'campaigns');

ALTER TABLE invoices ADD COLUMN user_id uuid;
                 CREATE TRIGGER invoices_fill_user_id BEFORE INSERT ON invoices FOR EACH ROW
                     WHEN (NEW.user_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('user_id', 'subscription_id', 'subscriptions');

ALTER TABLE usage_records ADD COLUMN user_id uuid;
                 CREATE TRIGGER usage_records_fill_user_id BEFORE INSERT ON usage_records FOR EACH ROW
                     WHEN (NEW.user_id IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('user_id', 'subscription_id', 'subscriptions');
