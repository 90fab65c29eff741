//! Billing: creates `subscriptions`, `invoices`, `usage_records`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["subscriptions", "invoices", "usage_records"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("subscriptions")
                .col(pk_id())
                .col(uuid("user_id"))
                .col(text("stripe_customer_id"))
                .col(text("stripe_subscription_id"))
                .col(text("stripe_price_id"))
                .col(text("stripe_product_id"))
                .col(text("plan"))
                .col(text("status"))
                .col(timestamp_with_time_zone("current_period_start"))
                .col(timestamp_with_time_zone("current_period_end"))
                .col(boolean("cancel_at_period_end").default(false))
                .col(timestamp_with_time_zone_null("canceled_at"))
                .col(integer("campaigns_used").default(0))
                .col(integer("emails_sent").default(0))
                .col(integer("social_posts").default(0))
                .col(integer("agent_calls").default(0))
                .col(integer("campaign_limit").default(5))
                .col(integer("email_limit").default(1000))
                .col(integer("social_limit").default(100))
                .col(integer("agent_call_limit").default(100))
                .col(timestamp_with_time_zone_null("trial_ends_at"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "subscriptions",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("invoices")
                .col(pk_id())
                .col(uuid("subscription_id"))
                .col(text("stripe_invoice_id"))
                .col(text_null("stripe_payment_intent_id"))
                .col(big_integer("amount_due"))
                .col(big_integer("amount_paid").default(0))
                .col(text("currency").default("usd"))
                .col(text("status"))
                .col(text_null("invoice_pdf"))
                .col(text_null("hosted_invoice_url"))
                .col(timestamp_with_time_zone_null("due_date"))
                .col(timestamp_with_time_zone_null("paid_at"))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .check(check("invoices", "amount_due", "amount_due >= 0"))
                .check(check("invoices", "amount_paid", "amount_paid >= 0"))
                .foreign_key(&mut fk(
                    "invoices",
                    "subscription_id",
                    "subscriptions",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("usage_records")
                .col(pk_id())
                .col(uuid("subscription_id"))
                .col(text("resource_type"))
                .col(text_null("resource_id"))
                .col(integer("quantity").default(1))
                .col(big_integer_null("cost"))
                .col(timestamp_with_time_zone("timestamp").default(Expr::cust("now()")))
                .col(json_binary_null("metadata"))
                .foreign_key(&mut fk(
                    "usage_records",
                    "subscription_id",
                    "subscriptions",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        ];
        let indexes = [
            unique("subscriptions", &["user_id"]),
            unique("subscriptions", &["stripe_customer_id"]),
            unique("subscriptions", &["stripe_subscription_id"]),
            unique("invoices", &["stripe_invoice_id"]),
            index("invoices", &["subscription_id", "status"]),
            index(
                "usage_records",
                &["subscription_id", "resource_type", "timestamp"],
            ),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
