//! Identity and sessions: creates `users`, `accounts`, `sessions`, `verification_tokens`, `user_settings`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "users",
    "accounts",
    "sessions",
    "verification_tokens",
    "user_settings",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("users")
                .col(pk_id())
                .col(text("email"))
                .col(text_null("name"))
                .col(text_null("image"))
                .col(timestamp_with_time_zone_null("email_verified_at"))
                .col(text_null("stripe_customer_id"))
                .col(boolean("is_beta_user").default(false))
                .col(created_at())
                .col(updated_at())
                .to_owned(),
            Table::create()
                .table("accounts")
                .col(pk_id())
                .col(uuid("user_id"))
                .col(text("type"))
                .col(text("provider"))
                .col(text("provider_account_id"))
                .col(blob_null("refresh_token"))
                .col(blob_null("access_token"))
                .col(big_integer_null("expires_at"))
                .col(text_null("token_type"))
                .col(text_null("scope"))
                .col(blob_null("id_token"))
                .col(text_null("session_state"))
                .foreign_key(&mut fk(
                    "accounts",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("sessions")
                .col(pk_id())
                .col(uuid("user_id"))
                .col(text("token_hash"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "sessions",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("verification_tokens")
                .col(text("identifier"))
                .col(text("token_hash"))
                .col(timestamp_with_time_zone("expires_at"))
                .primary_key(
                    Index::create()
                        .name("verification_tokens_pkey")
                        .col("identifier")
                        .col("token_hash"),
                )
                .to_owned(),
            Table::create()
                .table("user_settings")
                .col(pk_id())
                .col(uuid("user_id"))
                .col(json_binary_null("brand_voice"))
                .col(boolean("email_notifications").default(true))
                .col(boolean("push_notifications").default(false))
                .col(text("notification_frequency").default("realtime"))
                .col(text("timezone").default("UTC"))
                .col(text("locale").default("en-US"))
                .col(text("date_format").default("MM/DD/YYYY"))
                .col(integer("data_retention_days").default(90))
                .col(boolean("allow_analytics").default(true))
                .col(boolean("allow_personalization").default(true))
                .col(integer("api_rate_limit").default(1000))
                .col(text_null("webhook_url"))
                .col(blob_null("webhook_secret"))
                .col(created_at())
                .col(updated_at())
                .check(check(
                    "user_settings",
                    "data_retention_days",
                    "data_retention_days > 0",
                ))
                .check(check(
                    "user_settings",
                    "api_rate_limit",
                    "api_rate_limit >= 0",
                ))
                .foreign_key(&mut fk(
                    "user_settings",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        ];
        let indexes = [
            unique("users", &["stripe_customer_id"]),
            unique("accounts", &["provider", "provider_account_id"]),
            index("accounts", &["user_id"]),
            unique("sessions", &["token_hash"]),
            index("sessions", &["user_id"]),
            unique("verification_tokens", &["token_hash"]),
            unique("user_settings", &["user_id"]),
        ];
        create_tables(manager, tables, indexes).await?;
        manager
            .get_connection()
            .execute_unprepared("CREATE UNIQUE INDEX users_email_key ON users (lower(email))")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
