//! Natural unique keys of tenant tables include the tenant column. A unique key is checked when
//! the row is written, before its foreign keys: with `(document_id, idx)`, a chunk that names
//! another tenant's document and an `idx` that document already has would answer "duplicate
//! key" instead of the foreign-key error, telling the writer that the document exists. With
//! `(organization_id, document_id, idx)` it cannot collide with another tenant's rows. The
//! rows each key admits are the same (a document belongs to one organization).
//!
//! Built `CONCURRENTLY` (outside a transaction) before the old index is dropped, so the key is
//! enforced throughout.

use crate::util::{build_index_concurrently, drop_index_concurrently};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, the old key's columns): the new key is `(organization_id, <columns>)`.
const KEYS: &[(&str, &str)] = &[
    ("chunks", "document_id, idx"),
    ("agent_capabilities", "agent_id, name"),
    ("agent_configs", "agent_id, key"),
];

fn name(table: &str, columns: &str) -> String {
    format!("{table}_{}_key", columns.replace(", ", "_"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in KEYS {
            let scoped = format!("organization_id, {columns}");
            build_index_concurrently(
                manager,
                &name(table, &scoped),
                &format!("{table} ({scoped})"),
                true,
            )
            .await?;
            drop_index_concurrently(manager, &name(table, columns)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in KEYS.iter().rev() {
            build_index_concurrently(
                manager,
                &name(table, columns),
                &format!("{table} ({columns})"),
                true,
            )
            .await?;
            drop_index_concurrently(
                manager,
                &name(table, &format!("organization_id, {columns}")),
            )
            .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(false) // CONCURRENTLY
    }
}
