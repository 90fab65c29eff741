//! The foundation: the `vector` extension, the enum types (all but `connector_kind`, which
//! arrives in `add_connector_kind_enum`) and the shared `set_updated_at()` trigger function.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DbBackend, Statement};
use sea_orm_migration::sea_query::extension::postgres::Type;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The enum types of the initial schema, with their values in database spelling and order.
const ENUMS: &[(&str, &[&str])] = &[
    ("agent_kind", &["COPILOT", "WORKFLOW", "ANALYST"]),
    ("agent_status", &["DRAFT", "ACTIVE", "PAUSED", "DISABLED"]),
    ("message_role", &["system", "user", "assistant", "tool"]),
    (
        "conversation_kind",
        &["support", "campaign", "planning", "ad_hoc"],
    ),
    ("dataset_kind", &["documents", "faq", "analytics"]),
    (
        "train_status",
        &["queued", "running", "completed", "failed", "cancelled"],
    ),
    (
        "content_kind",
        &["article", "email", "social_script", "ad_copy"],
    ),
    (
        "campaign_status",
        &[
            "draft",
            "scheduled",
            "active",
            "paused",
            "completed",
            "archived",
        ],
    ),
];

/// Message of the error `up` fails with when the server has no pgvector.
pub const PGVECTOR_MISSING: &str = "pgvector is not installed on this PostgreSQL server \
(the `vector` extension is not available). Use the local default server, which ships it \
(`make db-up`), or install pgvector on your server (https://github.com/pgvector/pgvector#installation, \
or `CREATE EXTENSION vector` on a managed service that offers it), then run the migration again.";

const SET_UPDATED_AT: &str = r#"
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let available = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'",
            ))
            .await?;
        if available.is_none() {
            return Err(DbErr::Migration(PGVECTOR_MISSING.to_owned()));
        }
        db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS vector")
            .await?;
        for (name, values) in ENUMS {
            manager
                .create_type(
                    Type::create()
                        .as_enum(*name)
                        .values(values.iter().copied())
                        .to_owned(),
                )
                .await?;
        }
        db.execute_unprepared(SET_UPDATED_AT).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP FUNCTION IF EXISTS set_updated_at()")
            .await?;
        for (name, _) in ENUMS.iter().rev() {
            manager
                .drop_type(Type::drop().if_exists().name(*name).to_owned())
                .await?;
        }
        db.execute_unprepared("DROP EXTENSION IF EXISTS vector")
            .await?;
        Ok(())
    }
}
