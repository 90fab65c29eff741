//! The tenant keys, declared `NOT VALID`: a NOT NULL check on each child's new tenant column
//! and a composite foreign key `(fk, tenant) REFERENCES parent (id, tenant)` beside every
//! single-column key between two tables of one tenant. `NOT VALID` constraints are checked
//! for new and updated rows at once but do not scan the table, so each statement holds its
//! lock for milliseconds; migration 000500 validates them without blocking writes.
//!
//! Raw SQL: sea-query cannot declare a constraint NOT VALID or `ON DELETE SET NULL (column)`.

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
                "ALTER TABLE {t} ADD CONSTRAINT {n} CHECK ({tc} IS NOT NULL) NOT VALID",
                t = c.table,
                n = c.check_name(),
                tc = c.tenant
            ))
            .await?;
        }
        for k in SCOPED_KEYS {
            db.execute_unprepared(&k.add_not_valid()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for k in SCOPED_KEYS.iter().rev() {
            db.execute_unprepared(&format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                k.table,
                k.name()
            ))
            .await?;
        }
        for c in CHILDREN.iter().rev() {
            db.execute_unprepared(&format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                c.table,
                c.check_name()
            ))
            .await?;
        }
        Ok(())
    }
}
