//! Connectors and credentials: creates `connectors`, `connector_auths`, `trigger_configs`, `action_configs`, `credentials`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "connectors",
    "connector_auths",
    "trigger_configs",
    "action_configs",
    "credentials",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("connectors")
                .col(pk_id())
                .col(text("name"))
                .col(text("display_name"))
                .col(text("description"))
                .col(text("category"))
                .col(text_null("icon_url"))
                .col(text_null("website_url"))
                .col(text("auth_type"))
                .col(json_binary("auth_config"))
                .col(boolean("is_enabled").default(true))
                .col(boolean("is_verified").default(false))
                .col(json_binary("triggers"))
                .col(json_binary("actions"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .to_owned(),
            Table::create()
                .table("connector_auths")
                .col(pk_id())
                .col(uuid("user_id"))
                .col(uuid("connector_id"))
                .col(uuid_null("organization_id"))
                .col(text_null("account_id"))
                .col(text_null("account_name"))
                .col(blob_null("access_token"))
                .col(blob_null("refresh_token"))
                .col(blob_null("api_key"))
                .col(blob_null("api_secret"))
                .col(text_null("scope"))
                .col(text_null("token_type"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(text("status").default("active"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(text_null("last_error"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "connector_auths",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "connector_auths",
                    "connector_id",
                    "connectors",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "connector_auths",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            Table::create()
                .table("trigger_configs")
                .col(pk_id())
                .col(uuid("connector_auth_id"))
                .col(text("name"))
                .col(text("trigger_type"))
                .col(json_binary("config"))
                .col(boolean("is_active").default(true))
                .col(timestamp_with_time_zone_null("last_triggered_at"))
                .col(integer("trigger_count").default(0))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "trigger_configs",
                    "connector_auth_id",
                    "connector_auths",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("action_configs")
                .col(pk_id())
                .col(uuid("connector_auth_id"))
                .col(text("name"))
                .col(text("action_type"))
                .col(json_binary("config"))
                .col(boolean("is_active").default(true))
                .col(timestamp_with_time_zone_null("last_executed_at"))
                .col(integer("execution_count").default(0))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "action_configs",
                    "connector_auth_id",
                    "connector_auths",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("credentials")
                .col(pk_id())
                .col(uuid("user_id"))
                .col(text("provider"))
                .col(text_null("account_id"))
                .col(blob_null("access_token"))
                .col(blob_null("refresh_token"))
                .col(blob_null("access_secret"))
                .col(text_null("scope"))
                .col(text_null("token_type"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(text("status").default("active"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "credentials",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        ];
        let indexes = [
            unique("connectors", &["name"]),
            unique_nulls_not_distinct(
                "connector_auths",
                &["user_id", "connector_id", "account_id"],
            ),
            index("connector_auths", &["connector_id"]),
            index("connector_auths", &["organization_id"]),
            index("trigger_configs", &["connector_auth_id", "is_active"]),
            index("action_configs", &["connector_auth_id", "is_active"]),
            unique_nulls_not_distinct("credentials", &["user_id", "provider", "account_id"]),
            index("credentials", &["user_id", "provider"]),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
