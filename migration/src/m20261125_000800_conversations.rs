//! Conversations: creates `conversations`, `messages`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["conversations", "messages"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("conversations")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(custom("kind", "conversation_kind").default("support"))
                .col(text("status").default("active"))
                .col(text_null("title"))
                .col(uuid_null("created_by_id"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "conversations",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "conversations",
                    "created_by_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            Table::create()
                .table("messages")
                .col(pk_id())
                .col(uuid("conversation_id"))
                .col(uuid("organization_id"))
                .col(uuid_null("author_id"))
                .col(custom("role", "message_role"))
                .col(json_binary("content"))
                .col(vector_null("embedding", 1536))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "messages",
                    "conversation_id",
                    "conversations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "messages",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "messages",
                    "author_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        ];
        let indexes = [
            index("conversations", &["organization_id", "created_at"]),
            index("conversations", &["created_by_id"]),
            index("messages", &["conversation_id", "created_at"]),
            index("messages", &["role", "created_at"]),
            index("messages", &["organization_id"]),
            index("messages", &["author_id"]),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
