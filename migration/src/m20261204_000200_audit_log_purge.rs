//! The one privileged path that deletes audit rows: `audit_logs_purge(cutoff, max_rows)`, a
//! `SECURITY DEFINER` function (fixed `search_path`, EXECUTE revoked from PUBLIC: the owner
//! runs it, through `lifecycle purge`) that deletes at most `max_rows` of the oldest rows
//! created before `cutoff` and refuses a cutoff younger than 30 days. The append-only trigger
//! lets a DELETE through only while that function has set the transaction-local flag
//! `neonhub.audit_maintenance = 'purge'`. The application role has no DELETE grant on the table
//! (migration 20261203_000100), so the flag gives it nothing: its DELETE fails on privileges
//! before any trigger runs.
//!
//! Raw SQL: sea-query has no statements for functions.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The gate of the purge: `audit_logs_purge()` deletes old rows; nothing else does.
pub(crate) const PURGE_GATE: &str =
    "    -- The retention purge (audit_logs_purge) deletes old rows; nothing else does.
    IF TG_OP = 'DELETE' AND current_setting('neonhub.audit_maintenance', true) = 'purge' THEN
        RETURN OLD;
    END IF;
";

/// The trigger function of migration 1800 (with the rights given in 20261203_000100), with
/// `gates` (plpgsql run first; each may return early) in front of its rule.
pub(crate) fn append_only(gates: &str) -> String {
    format!(
        r#"
CREATE OR REPLACE FUNCTION audit_logs_append_only() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
{gates}    IF TG_OP = 'UPDATE'
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
"#
    )
}

const PURGE_FN: &str = r#"
CREATE FUNCTION audit_logs_purge(cutoff timestamptz, max_rows integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    deleted bigint;
BEGIN
    IF cutoff IS NULL OR cutoff > now() - interval '30 days' THEN
        RAISE EXCEPTION 'audit rows are kept at least 30 days: cutoff % is too recent', cutoff
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_rows IS NULL OR max_rows < 1 THEN
        RAISE EXCEPTION 'max_rows must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM set_config('neonhub.audit_maintenance', 'purge', true);
    DELETE FROM public.audit_logs
     WHERE ctid = ANY (ARRAY(SELECT ctid FROM public.audit_logs
                              WHERE created_at < cutoff
                              ORDER BY created_at LIMIT max_rows));
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('neonhub.audit_maintenance', '', true);
    RETURN deleted;
END
$$;
REVOKE ALL ON FUNCTION audit_logs_purge(timestamptz, integer) FROM PUBLIC;
"#;

const PURGE_FN_DOWN: &str = r#"
DROP FUNCTION audit_logs_purge(timestamptz, integer);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&append_only(PURGE_GATE)).await?;
        db.execute_unprepared(PURGE_FN).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(PURGE_FN_DOWN).await?;
        db.execute_unprepared(&append_only("")).await?;
        Ok(())
    }
}
