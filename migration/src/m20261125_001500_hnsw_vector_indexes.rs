//! HNSW indexes (cosine distance) on the three embedding columns.
//!
//! The tables exist already (and may hold rows), so the indexes are built with
//! `CREATE INDEX CONCURRENTLY`: writes go on while HNSW builds, which can take minutes on a
//! large table. That cannot run inside a transaction, so this migration opts out of one; each
//! build is idempotent (`IF NOT EXISTS`) and an INVALID leftover of a failed earlier attempt is
//! rebuilt (see `util::create_index_concurrently`). Raw SQL because sea-query cannot state an
//! index's storage parameters (`WITH (m, ef_construction)`). HNSW needs no training step, unlike
//! IVFFlat, so it is right from the first row.

use crate::util::{create_index_concurrently, drop_index_concurrently};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose `embedding vector(1536)` column gets an HNSW index.
const TABLES: &[&str] = &["brand_voices", "messages", "chunks"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            create_index_concurrently(
                manager,
                &format!("{table}_embedding_hnsw_idx"),
                &format!(
                    "{table} USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
                ),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            drop_index_concurrently(manager, &format!("{table}_embedding_hnsw_idx")).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }
}
