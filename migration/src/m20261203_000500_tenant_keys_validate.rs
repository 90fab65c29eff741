//! Validate the tenant keys and switch to them:
//!
//! 1. `VALIDATE CONSTRAINT` of every check and composite key of migration 000400: a scan under
//!    SHARE UPDATE EXCLUSIVE, which lets reads and writes go on;
//! 2. the children's tenant columns become NOT NULL (the validated check proves it, so there
//!    is no second scan) and the checks are dropped;
//! 3. the single-column keys the composite ones replace are dropped;
//! 4. the children's policies become a plain equality on their own tenant column, like their
//!    parents' (before: an EXISTS on the parent row for every row read).
//!
//! Steps 2-4 take short ACCESS EXCLUSIVE locks at the end of the transaction, under the
//! migration's lock timeout.
//!
//! Raw SQL: sea-query has no statements for VALIDATE CONSTRAINT or policies.

use crate::tenant_keys::{CHILDREN, SCOPED_KEYS};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for c in CHILDREN {
            db.execute_unprepared(&format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                c.table,
                c.check_name()
            ))
            .await?;
        }
        for k in SCOPED_KEYS {
            db.execute_unprepared(&format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                k.table,
                k.name()
            ))
            .await?;
        }
        for c in CHILDREN {
            db.execute_unprepared(&format!(
                "ALTER TABLE {t} ALTER COLUMN {tc} SET NOT NULL;
                 -- The check was only the proof that lets SET NOT NULL skip its scan.
                 -- squawk-ignore ban-drop-constraint
                 ALTER TABLE {t} DROP CONSTRAINT {n}",
                t = c.table,
                tc = c.tenant,
                n = c.check_name()
            ))
            .await?;
        }
        for k in SCOPED_KEYS {
            db.execute_unprepared(&format!(
                "-- Replaced by the validated key ({fk}, {tc}), which guarantees more.\n\
                 -- squawk-ignore ban-drop-constraint\n\
                 ALTER TABLE {t} DROP CONSTRAINT {n}",
                fk = k.fk,
                tc = k.tenant,
                t = k.table,
                n = k.old_name()
            ))
            .await?;
        }
        for c in CHILDREN {
            let condition = format!("{} = {}", c.tenant, c.current());
            db.execute_unprepared(&format!(
                "ALTER POLICY {t}_tenant_isolation ON {t} USING ({condition}) WITH CHECK ({condition})",
                t = c.table
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for c in CHILDREN.iter().rev() {
            let condition = format!(
                "EXISTS (SELECT 1 FROM {p} p WHERE p.id = {t}.{fk})",
                p = c.parent,
                t = c.table,
                fk = c.fk
            );
            db.execute_unprepared(&format!(
                "ALTER POLICY {t}_tenant_isolation ON {t} USING ({condition}) WITH CHECK ({condition})",
                t = c.table
            ))
            .await?;
        }
        for k in SCOPED_KEYS.iter().rev() {
            // Back to the state of migration 000400: the old key, the new one NOT VALID.
            db.execute_unprepared(&format!(
                "-- A rollback restores the key as it was (validated, so one scan of the table).\n\
                 -- squawk-ignore adding-foreign-key-constraint, constraint-missing-not-valid\n\
                 {};
                 ALTER TABLE {} DROP CONSTRAINT {};
                 {}",
                k.add_old(),
                k.table,
                k.name(),
                k.add_not_valid()
            ))
            .await?;
        }
        for c in CHILDREN.iter().rev() {
            db.execute_unprepared(&format!(
                "ALTER TABLE {t} ALTER COLUMN {tc} DROP NOT NULL;
                 ALTER TABLE {t} ADD CONSTRAINT {n} CHECK ({tc} IS NOT NULL) NOT VALID",
                t = c.table,
                tc = c.tenant,
                n = c.check_name()
            ))
            .await?;
        }
        Ok(())
    }
}
