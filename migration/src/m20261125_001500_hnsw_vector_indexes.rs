//! HNSW indexes (cosine distance) on the three embedding columns.
//!
//! Raw SQL because sea-query cannot state an index's storage parameters (`WITH (m, ef_construction)`).
//! HNSW needs no training step, unlike IVFFlat, so it is right from the first row.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose `embedding vector(1536)` column gets an HNSW index.
const TABLES: &[&str] = &["brand_voices", "messages", "chunks"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX {table}_embedding_hnsw_idx ON {table} \
                     USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("{table}_embedding_hnsw_idx"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
