//! Models: creates `model_versions`, `training_jobs`, `inference_endpoints`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["model_versions", "training_jobs", "inference_endpoints"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("model_versions")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(text("name"))
                .col(text("provider"))
                .col(text("version"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "model_versions",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("training_jobs")
                .col(pk_id())
                .col(uuid("model_version_id"))
                .col(custom("status", "train_status").default("queued"))
                .col(json_binary("config"))
                .col(json_binary_null("metrics"))
                .col(timestamp_with_time_zone("started_at").default(Expr::cust("now()")))
                .col(timestamp_with_time_zone_null("completed_at"))
                .foreign_key(&mut fk(
                    "training_jobs",
                    "model_version_id",
                    "model_versions",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("inference_endpoints")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(uuid_null("model_version_id"))
                .col(text("name"))
                .col(text("slug"))
                .col(text("status").default("draft"))
                .col(json_binary_null("config"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "inference_endpoints",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "inference_endpoints",
                    "model_version_id",
                    "model_versions",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        ];
        let indexes = [
            unique("model_versions", &["organization_id", "name", "version"]),
            index("training_jobs", &["model_version_id"]),
            unique("inference_endpoints", &["organization_id", "slug"]),
            index("inference_endpoints", &["model_version_id"]),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
