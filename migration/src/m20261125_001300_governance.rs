//! Governance: creates `audit_logs`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["audit_logs"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [Table::create()
            .table("audit_logs")
            .col(pk_id())
            .col(uuid_null("organization_id"))
            .col(uuid_null("user_id"))
            .col(text_null("actor_type"))
            .col(text("action"))
            .col(text_null("resource_type"))
            .col(text_null("resource_id"))
            .col(text_null("request_hash"))
            .col(json_binary_null("metadata"))
            .col(inet_null("ip"))
            .col(created_at())
            .foreign_key(&mut fk(
                "audit_logs",
                "organization_id",
                "organizations",
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut fk(
                "audit_logs",
                "user_id",
                "users",
                ForeignKeyAction::SetNull,
            ))
            .to_owned()];
        let indexes = [
            index("audit_logs", &["organization_id", "created_at"]),
            index("audit_logs", &["user_id", "created_at"]),
            index("audit_logs", &["action"]),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
