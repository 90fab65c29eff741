//! `updated_at` triggers: every table that has the column gets a `BEFORE UPDATE` trigger
//! calling `set_updated_at()`, so every writer (not only the ORM) keeps it current.
//!
//! Raw SQL because sea-query has no statement for triggers. A table added later with an
//! `updated_at` column creates its trigger in its own migration.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables that had an `updated_at` column at this point in history.
const TABLES: &[&str] = &[
    "users",
    "user_settings",
    "organizations",
    "organization_roles",
    "organization_members",
    "team_members",
    "embedding_spaces",
    "brands",
    "brand_voices",
    "agents",
    "agent_configs",
    "agent_jobs",
    "conversations",
    "datasets",
    "documents",
    "content",
    "content_drafts",
    "campaigns",
    "subscriptions",
    "invoices",
    "tasks",
    "feedback",
    "connectors",
    "connector_auths",
    "trigger_configs",
    "action_configs",
    "credentials",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_set_updated_at BEFORE UPDATE ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION set_updated_at()"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_set_updated_at ON {table}"
                ))
                .await?;
        }
        Ok(())
    }
}
