//! Content and campaigns: creates `content`, `content_drafts`, `campaigns`, `campaign_metrics`, `email_sequences`, `social_posts`, `ab_tests`, `metric_events`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "content",
    "content_drafts",
    "campaigns",
    "campaign_metrics",
    "email_sequences",
    "social_posts",
    "ab_tests",
    "metric_events",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("content")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(uuid_null("author_id"))
                .col(custom("kind", "content_kind"))
                .col(text("status").default("draft"))
                .col(text_null("title"))
                .col(text_null("body"))
                .col(json_binary_null("metadata"))
                .col(timestamp_with_time_zone_null("published_at"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "content",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "content",
                    "author_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            Table::create()
                .table("content_drafts")
                .col(pk_id())
                .col(uuid_null("organization_id"))
                .col(text("title"))
                .col(text("topic"))
                .col(text("body"))
                .col(text("tone").default("professional"))
                .col(text_null("audience"))
                .col(text("status").default("draft"))
                .col(uuid("created_by_id"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "content_drafts",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "content_drafts",
                    "created_by_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("campaigns")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(uuid("owner_id"))
                .col(text("name"))
                .col(custom("status", "campaign_status").default("draft"))
                .col(text("type"))
                .col(json_binary_null("config"))
                .col(json_binary_null("schedule"))
                .col(json_binary_null("budget"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "campaigns",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "campaigns",
                    "owner_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("campaign_metrics")
                .col(pk_id())
                .col(uuid("campaign_id"))
                .col(text("kind"))
                .col(double_null("value"))
                .col(json_binary_null("payload"))
                .col(timestamp_with_time_zone("timestamp").default(Expr::cust("now()")))
                .foreign_key(&mut fk(
                    "campaign_metrics",
                    "campaign_id",
                    "campaigns",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("email_sequences")
                .col(pk_id())
                .col(uuid("campaign_id"))
                .col(text("subject"))
                .col(text("body"))
                .col(text_null("variant"))
                .col(timestamp_with_time_zone_null("scheduled_for"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(json_binary_null("metrics"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "email_sequences",
                    "campaign_id",
                    "campaigns",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("social_posts")
                .col(pk_id())
                .col(uuid("campaign_id"))
                .col(text("platform"))
                .col(text("content"))
                .col(json_binary_null("media_urls"))
                .col(text_null("variant"))
                .col(timestamp_with_time_zone_null("scheduled_for"))
                .col(timestamp_with_time_zone_null("published_at"))
                .col(text_null("external_id"))
                .col(json_binary_null("metrics"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "social_posts",
                    "campaign_id",
                    "campaigns",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("ab_tests")
                .col(pk_id())
                .col(uuid("campaign_id"))
                .col(text("name"))
                .col(json_binary("variants"))
                .col(text_null("winner"))
                .col(json_binary("metrics"))
                .col(timestamp_with_time_zone("started_at").default(Expr::cust("now()")))
                .col(timestamp_with_time_zone_null("completed_at"))
                .foreign_key(&mut fk(
                    "ab_tests",
                    "campaign_id",
                    "campaigns",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("metric_events")
                .col(pk_id())
                .col(text("type"))
                .col(json_binary("meta"))
                .col(created_at())
                .to_owned(),
        ];
        let indexes = [
            index("content", &["organization_id"]),
            index("content", &["author_id"]),
            index("content_drafts", &["created_by_id", "status"]),
            index("content_drafts", &["created_at"]),
            index("content_drafts", &["organization_id"]),
            index("campaigns", &["organization_id", "status"]),
            index("campaigns", &["owner_id"]),
            index("campaign_metrics", &["campaign_id", "kind", "timestamp"]),
            index("email_sequences", &["campaign_id", "scheduled_for"]),
            index(
                "social_posts",
                &["campaign_id", "platform", "scheduled_for"],
            ),
            index("ab_tests", &["campaign_id"]),
            index("metric_events", &["type"]),
            index("metric_events", &["created_at"]),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
