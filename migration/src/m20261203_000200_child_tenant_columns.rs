//! Organization-owned child tables get their parent's `organization_id` (user-owned children:
//! `user_id`), nullable for now: adding a nullable column without a default is a catalog change
//! only, whatever the table's size. Rows written without the column (older application
//! versions, raw SQL) get it from their parent through the trigger `<table>_fill_<column>`,
//! which runs with the caller's rights: under row-level security a parent of another tenant
//! is not found, and the row is refused once the column is NOT NULL (migration 000500). The
//! next migrations fill existing rows in batches, index the column and make it a key.
//!
//! Raw SQL: sea-query has no statements for triggers and their functions.

use crate::tenant_keys::CHILDREN;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const FILL_FN: &str = r#"
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
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(FILL_FN).await?;
        for c in CHILDREN {
            db.execute_unprepared(&format!(
                "ALTER TABLE {t} ADD COLUMN {tc} uuid;
                 CREATE TRIGGER {t}_fill_{tc} BEFORE INSERT ON {t} FOR EACH ROW
                     WHEN (NEW.{tc} IS NULL)
                     EXECUTE FUNCTION tenant_fill_from_parent('{tc}', '{fk}', '{p}')",
                t = c.table,
                tc = c.tenant,
                fk = c.fk,
                p = c.parent,
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for c in CHILDREN.iter().rev() {
            db.execute_unprepared(&format!(
                "DROP TRIGGER {t}_fill_{tc} ON {t};
                 ALTER TABLE {t} DROP COLUMN {tc}",
                t = c.table,
                tc = c.tenant,
            ))
            .await?;
        }
        db.execute_unprepared("DROP FUNCTION tenant_fill_from_parent()")
            .await?;
        Ok(())
    }
}
