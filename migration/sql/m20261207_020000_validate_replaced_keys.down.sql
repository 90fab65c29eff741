-- m20261207_020000_validate_replaced_keys (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

ALTER TABLE verification_tokens DROP CONSTRAINT verification_tokens_identifier_check;
                 ALTER TABLE verification_tokens ADD CONSTRAINT verification_tokens_identifier_check CHECK (char_length(identifier) <= 320) NOT VALID;

ALTER TABLE team_members DROP CONSTRAINT team_members_organization_id_fkey;
                 ALTER TABLE team_members ADD CONSTRAINT team_members_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE NOT VALID;

ALTER TABLE tasks DROP CONSTRAINT tasks_organization_id_fkey;
                 ALTER TABLE tasks ADD CONSTRAINT tasks_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE NOT VALID;

ALTER TABLE feedback DROP CONSTRAINT feedback_organization_id_fkey;
                 ALTER TABLE feedback ADD CONSTRAINT feedback_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE NOT VALID;

ALTER TABLE content_drafts DROP CONSTRAINT content_drafts_organization_id_fkey;
                 ALTER TABLE content_drafts ADD CONSTRAINT content_drafts_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE NOT VALID;

ALTER TABLE connector_auths DROP CONSTRAINT connector_auths_organization_id_fkey;
                 ALTER TABLE connector_auths ADD CONSTRAINT connector_auths_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE NOT VALID;

ALTER TABLE agent_jobs DROP CONSTRAINT agent_jobs_organization_id_fkey;
                 ALTER TABLE agent_jobs ADD CONSTRAINT agent_jobs_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE NOT VALID;
