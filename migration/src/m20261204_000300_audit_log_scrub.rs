//! Erasure's privileged path into the audit log: `audit_logs_scrub_user(user_id, keys)`, a
//! `SECURITY DEFINER` function (fixed `search_path`, EXECUTE revoked from PUBLIC: the owner
//! runs it, through `lifecycle erase-user`) that keeps every entry of an erased person but sets
//! its actor and `ip` to NULL and removes the person-identifying `keys` from `metadata`. The
//! append-only trigger lets exactly that UPDATE through (actor, ip and metadata keys removed,
//! nothing else changed) while the function's transaction-local flag
//! `neonhub.audit_maintenance = 'scrub'` is set. The application role has no UPDATE grant, so
//! the flag gives it nothing.
//!
//! Raw SQL: sea-query has no statements for functions.

use crate::m20261204_000200_audit_log_purge::{PURGE_GATE, append_only};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SCRUB_GATE: &str = "    -- Erasure (audit_logs_scrub_user) removes a person from entries it keeps: the actor, the ip
    -- and metadata keys go, nothing else changes.
    IF TG_OP = 'UPDATE' AND current_setting('neonhub.audit_maintenance', true) = 'scrub'
       AND NEW.user_id IS NULL AND NEW.ip IS NULL
       AND (to_jsonb(NEW) - 'user_id' - 'ip' - 'metadata') = (to_jsonb(OLD) - 'user_id' - 'ip' - 'metadata')
       AND (NEW.metadata IS NULL OR (OLD.metadata IS NOT NULL AND OLD.metadata @> NEW.metadata)) THEN
        RETURN NEW;
    END IF;
";

const SCRUB_FN: &str = r#"
CREATE FUNCTION audit_logs_scrub_user(erased uuid, keys text[]) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    scrubbed bigint;
BEGIN
    PERFORM set_config('neonhub.audit_maintenance', 'scrub', true);
    UPDATE public.audit_logs
       SET user_id = NULL, ip = NULL,
           metadata = CASE WHEN metadata IS NULL THEN NULL ELSE metadata - keys END
     WHERE user_id = erased;
    GET DIAGNOSTICS scrubbed = ROW_COUNT;
    PERFORM set_config('neonhub.audit_maintenance', '', true);
    RETURN scrubbed;
END
$$;
REVOKE ALL ON FUNCTION audit_logs_scrub_user(uuid, text[]) FROM PUBLIC;
"#;

const SCRUB_FN_DOWN: &str = r#"
DROP FUNCTION audit_logs_scrub_user(uuid, text[]);
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&append_only(&format!("{PURGE_GATE}{SCRUB_GATE}")))
            .await?;
        db.execute_unprepared(SCRUB_FN).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(SCRUB_FN_DOWN).await?;
        db.execute_unprepared(&append_only(PURGE_GATE)).await?;
        Ok(())
    }
}
