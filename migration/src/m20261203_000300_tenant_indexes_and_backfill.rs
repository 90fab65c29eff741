//! Fill the new tenant columns of the child tables and build the indexes that lead with a
//! tenant column, without blocking writers (outside a transaction):
//!
//! - the backfill walks each child table by primary key in batches of [`BATCH_ROWS`] rows,
//!   each batch its own short transaction (no long row locks, no giant transaction; an
//!   interrupted run resumes, since filled rows are skipped);
//! - `(tenant, id)` indexes (unique where a composite foreign key will reference them) are
//!   built `CONCURRENTLY`; an INVALID leftover of an interrupted build is rebuilt;
//! - the single-column `organization_id` indexes they make redundant are dropped
//!   `CONCURRENTLY` (the new ones lead with the same column).

use crate::tenant_keys::{CHILDREN, Child, REDUNDANT_INDEXES, tenant_indexes};
use crate::util::{build_index_concurrently, drop_index_concurrently};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::Statement;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Rows per backfill transaction.
const BATCH_ROWS: u32 = 5_000;

/// Fill `child`'s tenant column from its parent, batch by batch in primary key order.
async fn backfill(manager: &SchemaManager<'_>, c: &Child) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if c.table == "role_permissions" {
        // Composite primary key, and one row per role and permission: one statement.
        db.execute_unprepared(&format!(
            "UPDATE {t} c SET {tc} = p.{tc} FROM {p} p WHERE p.id = c.{fk} AND c.{tc} IS NULL",
            t = c.table,
            tc = c.tenant,
            p = c.parent,
            fk = c.fk
        ))
        .await?;
        return Ok(());
    }
    let sql = format!(
        "WITH batch AS (SELECT id FROM {t} WHERE id > $1::uuid ORDER BY id LIMIT {BATCH_ROWS}), \
         filled AS (UPDATE {t} c SET {tc} = p.{tc} FROM {p} p \
                     WHERE c.id IN (SELECT id FROM batch) AND c.{tc} IS NULL AND p.id = c.{fk}) \
         SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last",
        t = c.table,
        tc = c.tenant,
        p = c.parent,
        fk = c.fk
    );
    let mut last = uuid_nil();
    loop {
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                manager.get_database_backend(),
                &sql,
                [last.clone().into()],
            ))
            .await?;
        match row.and_then(|r| r.try_get::<Option<String>>("", "last").ok().flatten()) {
            Some(id) => last = id,
            None => return Ok(()),
        }
    }
}

fn uuid_nil() -> String {
    "00000000-0000-0000-0000-000000000000".to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for c in CHILDREN {
            backfill(manager, c).await?;
        }
        for (name, definition, unique) in tenant_indexes() {
            build_index_concurrently(manager, &name, &definition, unique).await?;
        }
        for (name, _) in REDUNDANT_INDEXES {
            drop_index_concurrently(manager, name).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, definition) in REDUNDANT_INDEXES.iter().rev() {
            build_index_concurrently(manager, name, definition, false).await?;
        }
        for (name, _, _) in tenant_indexes().into_iter().rev() {
            drop_index_concurrently(manager, &name).await?;
        }
        // The filled values go with the columns (migration 000200's down).
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(false) // CONCURRENTLY, and one transaction per backfill batch
    }
}
