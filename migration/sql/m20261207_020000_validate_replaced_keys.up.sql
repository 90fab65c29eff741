-- m20261207_020000_validate_replaced_keys (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

ALTER TABLE agent_jobs VALIDATE CONSTRAINT agent_jobs_organization_id_fkey;

ALTER TABLE connector_auths VALIDATE CONSTRAINT connector_auths_organization_id_fkey;

ALTER TABLE content_drafts VALIDATE CONSTRAINT content_drafts_organization_id_fkey;

ALTER TABLE feedback VALIDATE CONSTRAINT feedback_organization_id_fkey;

ALTER TABLE tasks VALIDATE CONSTRAINT tasks_organization_id_fkey;

ALTER TABLE team_members VALIDATE CONSTRAINT team_members_organization_id_fkey;

ALTER TABLE verification_tokens VALIDATE CONSTRAINT verification_tokens_identifier_check;
