-- m20261204_000300_audit_log_scrub (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP FUNCTION audit_logs_scrub_user(uuid, text[]);

CREATE OR REPLACE FUNCTION audit_logs_append_only() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    -- The retention purge (audit_logs_purge) deletes old rows; nothing else does.
    IF TG_OP = 'DELETE' AND current_setting('neonhub.audit_maintenance', true) = 'purge' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE'
       -- Only the two foreign keys may change, and only to NULL ...
       AND (to_jsonb(NEW) - 'organization_id' - 'user_id') = (to_jsonb(OLD) - 'organization_id' - 'user_id')
       AND (NEW.organization_id IS NOT DISTINCT FROM OLD.organization_id OR NEW.organization_id IS NULL)
       AND (NEW.user_id IS NOT DISTINCT FROM OLD.user_id OR NEW.user_id IS NULL)
       -- ... and only when what they pointed at is gone (the ON DELETE SET NULL action).
       AND (NEW.organization_id IS NOT DISTINCT FROM OLD.organization_id
            OR NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = OLD.organization_id))
       AND (NEW.user_id IS NOT DISTINCT FROM OLD.user_id
            OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = OLD.user_id))
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_logs is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit rows are never changed or deleted; write a new row instead.';
END
$$;
