//! Knowledge (RAG): creates `datasets`, `documents`, `chunks`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["datasets", "documents", "chunks"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("datasets")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(uuid_null("embedding_space_id"))
                .col(text("name"))
                .col(text("slug"))
                .col(custom("kind", "dataset_kind"))
                .col(text_null("description"))
                .col(text_null("source"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "datasets",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "datasets",
                    "embedding_space_id",
                    "embedding_spaces",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            Table::create()
                .table("documents")
                .col(pk_id())
                .col(uuid_null("dataset_id"))
                .col(uuid("organization_id"))
                .col(uuid("owner_id"))
                .col(uuid_null("embedding_space_id"))
                .col(text("title"))
                .col(text("content"))
                .col(text("status").default("draft"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "documents",
                    "dataset_id",
                    "datasets",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "documents",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "documents",
                    "owner_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "documents",
                    "embedding_space_id",
                    "embedding_spaces",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            Table::create()
                .table("chunks")
                .col(pk_id())
                .col(uuid("dataset_id"))
                .col(uuid("document_id"))
                .col(uuid("organization_id"))
                .col(uuid("embedding_space_id"))
                .col(integer("idx"))
                .col(text("text"))
                .col(vector_null("embedding", 1536))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .check(check("chunks", "idx", "idx >= 0"))
                .foreign_key(&mut fk(
                    "chunks",
                    "dataset_id",
                    "datasets",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "chunks",
                    "document_id",
                    "documents",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "chunks",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "chunks",
                    "embedding_space_id",
                    "embedding_spaces",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        ];
        let indexes = [
            unique("datasets", &["organization_id", "slug"]),
            index("datasets", &["embedding_space_id"]),
            index("documents", &["dataset_id"]),
            index("documents", &["organization_id"]),
            index("documents", &["owner_id"]),
            index("documents", &["embedding_space_id"]),
            unique("chunks", &["document_id", "idx"]),
            index("chunks", &["dataset_id"]),
            index("chunks", &["organization_id"]),
            index("chunks", &["embedding_space_id"]),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
