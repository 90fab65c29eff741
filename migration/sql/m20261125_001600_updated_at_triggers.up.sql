-- m20261125_001600_updated_at_triggers (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER user_settings_set_updated_at BEFORE UPDATE ON user_settings FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER organizations_set_updated_at BEFORE UPDATE ON organizations FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER organization_roles_set_updated_at BEFORE UPDATE ON organization_roles FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER organization_members_set_updated_at BEFORE UPDATE ON organization_members FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER team_members_set_updated_at BEFORE UPDATE ON team_members FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER embedding_spaces_set_updated_at BEFORE UPDATE ON embedding_spaces FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER brands_set_updated_at BEFORE UPDATE ON brands FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER brand_voices_set_updated_at BEFORE UPDATE ON brand_voices FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER agents_set_updated_at BEFORE UPDATE ON agents FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER agent_configs_set_updated_at BEFORE UPDATE ON agent_configs FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER agent_jobs_set_updated_at BEFORE UPDATE ON agent_jobs FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER conversations_set_updated_at BEFORE UPDATE ON conversations FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER datasets_set_updated_at BEFORE UPDATE ON datasets FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER documents_set_updated_at BEFORE UPDATE ON documents FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER content_set_updated_at BEFORE UPDATE ON content FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER content_drafts_set_updated_at BEFORE UPDATE ON content_drafts FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER campaigns_set_updated_at BEFORE UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER subscriptions_set_updated_at BEFORE UPDATE ON subscriptions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER invoices_set_updated_at BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER tasks_set_updated_at BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER feedback_set_updated_at BEFORE UPDATE ON feedback FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER connectors_set_updated_at BEFORE UPDATE ON connectors FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER connector_auths_set_updated_at BEFORE UPDATE ON connector_auths FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER trigger_configs_set_updated_at BEFORE UPDATE ON trigger_configs FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER action_configs_set_updated_at BEFORE UPDATE ON action_configs FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER credentials_set_updated_at BEFORE UPDATE ON credentials FOR EACH ROW EXECUTE FUNCTION set_updated_at();
