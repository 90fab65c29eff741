-- m20261207_000300_attribution_checks (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

-- Replaced right below by the same key with another ON DELETE action.
         -- squawk-ignore ban-drop-constraint
         ALTER TABLE team_members DROP CONSTRAINT team_members_organization_id_fkey;
         ALTER TABLE team_members ADD CONSTRAINT team_members_organization_id_fkey
             FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE SET NULL
             NOT VALID;

-- Replaced right below by the same key with another ON DELETE action.
         -- squawk-ignore ban-drop-constraint
         ALTER TABLE tasks DROP CONSTRAINT tasks_organization_id_fkey;
         ALTER TABLE tasks ADD CONSTRAINT tasks_organization_id_fkey
             FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE SET NULL
             NOT VALID;

-- Replaced right below by the same key with another ON DELETE action.
         -- squawk-ignore ban-drop-constraint
         ALTER TABLE feedback DROP CONSTRAINT feedback_organization_id_fkey;
         ALTER TABLE feedback ADD CONSTRAINT feedback_organization_id_fkey
             FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE SET NULL
             NOT VALID;

-- Replaced right below by the same key with another ON DELETE action.
         -- squawk-ignore ban-drop-constraint
         ALTER TABLE content_drafts DROP CONSTRAINT content_drafts_organization_id_fkey;
         ALTER TABLE content_drafts ADD CONSTRAINT content_drafts_organization_id_fkey
             FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE SET NULL
             NOT VALID;

-- Replaced right below by the same key with another ON DELETE action.
         -- squawk-ignore ban-drop-constraint
         ALTER TABLE connector_auths DROP CONSTRAINT connector_auths_organization_id_fkey;
         ALTER TABLE connector_auths ADD CONSTRAINT connector_auths_organization_id_fkey
             FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE SET NULL
             NOT VALID;

-- Replaced right below by the same key with another ON DELETE action.
         -- squawk-ignore ban-drop-constraint
         ALTER TABLE agent_jobs DROP CONSTRAINT agent_jobs_organization_id_fkey;
         ALTER TABLE agent_jobs ADD CONSTRAINT agent_jobs_organization_id_fkey
             FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE SET NULL
             NOT VALID;

DROP TRIGGER team_members_attribution ON team_members;
                 DROP FUNCTION team_members_attribution();

DROP TRIGGER tasks_attribution ON tasks;
                 DROP FUNCTION tasks_attribution();

DROP TRIGGER messages_attribution ON messages;
                 DROP FUNCTION messages_attribution();

DROP TRIGGER feedback_attribution ON feedback;
                 DROP FUNCTION feedback_attribution();

DROP TRIGGER documents_attribution ON documents;
                 DROP FUNCTION documents_attribution();

DROP TRIGGER conversations_attribution ON conversations;
                 DROP FUNCTION conversations_attribution();

DROP TRIGGER content_drafts_attribution ON content_drafts;
                 DROP FUNCTION content_drafts_attribution();

DROP TRIGGER content_attribution ON content;
                 DROP FUNCTION content_attribution();

DROP TRIGGER connector_auths_attribution ON connector_auths;
                 DROP FUNCTION connector_auths_attribution();

DROP TRIGGER campaigns_attribution ON campaigns;
                 DROP FUNCTION campaigns_attribution();

DROP TRIGGER audit_logs_attribution ON audit_logs;
                 DROP FUNCTION audit_logs_attribution();

DROP TRIGGER api_keys_attribution ON api_keys;
                 DROP FUNCTION api_keys_attribution();

DROP TRIGGER agent_jobs_attribution ON agent_jobs;
                 DROP FUNCTION agent_jobs_attribution();
