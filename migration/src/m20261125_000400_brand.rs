//! Brand: creates `embedding_spaces`, `brands`, `brand_voices`, `brand_assets`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["embedding_spaces", "brands", "brand_voices", "brand_assets"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("embedding_spaces")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(text("name"))
                .col(text("provider"))
                .col(text("model"))
                .col(integer("dimension"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .check(check(
                    "embedding_spaces",
                    "dimension",
                    "dimension BETWEEN 1 AND 16000",
                ))
                .foreign_key(&mut fk(
                    "embedding_spaces",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("brands")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(text("name"))
                .col(text("slug"))
                .col(text_null("description"))
                .col(text_null("main_color"))
                .col(text_null("slogan"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "brands",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("brand_voices")
                .col(pk_id())
                .col(uuid("brand_id"))
                .col(uuid("embedding_space_id"))
                .col(text("prompt_template"))
                .col(json_binary("style_rules"))
                .col(vector_null("embedding", 1536))
                .col(json_binary_null("metrics"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "brand_voices",
                    "brand_id",
                    "brands",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "brand_voices",
                    "embedding_space_id",
                    "embedding_spaces",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("brand_assets")
                .col(pk_id())
                .col(uuid("brand_id"))
                .col(text("kind"))
                .col(text("name"))
                .col(text_null("url"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "brand_assets",
                    "brand_id",
                    "brands",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        ];
        let indexes = [
            unique("embedding_spaces", &["organization_id", "name"]),
            unique("brands", &["organization_id", "slug"]),
            index("brand_voices", &["brand_id"]),
            index("brand_voices", &["embedding_space_id"]),
            index("brand_assets", &["brand_id"]),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
