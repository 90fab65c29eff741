//! Indexes for the retention purge (`lifecycle purge`): each table it trims gets an index that
//! leads with the date it is trimmed by, so every batch finds its oldest rows through the index
//! instead of scanning the table (`metric_events (created_at)` exists since the governance
//! migration). Built `CONCURRENTLY`, outside a transaction: writers go on.

use crate::util::{create_index_concurrently, drop_index_concurrently};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, definition).
const INDEXES: [(&str, &str); 6] = [
    ("sessions_expires_at_idx", "sessions (expires_at)"),
    (
        "verification_tokens_expires_at_idx",
        "verification_tokens (expires_at)",
    ),
    (
        "campaign_metrics_timestamp_idx",
        "campaign_metrics (\"timestamp\")",
    ),
    (
        "usage_records_timestamp_idx",
        "usage_records (\"timestamp\")",
    ),
    ("audit_logs_created_at_idx", "audit_logs (created_at)"),
    (
        "content_drafts_updated_at_idx",
        "content_drafts (updated_at)",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, definition) in INDEXES {
            create_index_concurrently(manager, name, definition).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES.iter().rev() {
            drop_index_concurrently(manager, name).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }
}
