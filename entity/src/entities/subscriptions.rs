//! `subscriptions`: Stripe subscriptions of users, with usage counters and plan limits.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Stripe subscriptions of users, with usage counters and plan limits.
///
/// Table `subscriptions` (Billing).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Unique.
    #[sea_orm(unique)]
    pub user_id: Uuid,
    /// Unique.
    #[sea_orm(column_type = "Text", unique)]
    pub stripe_customer_id: String,
    /// Unique.
    #[sea_orm(column_type = "Text", unique)]
    pub stripe_subscription_id: String,
    #[sea_orm(column_type = "Text")]
    pub stripe_price_id: String,
    #[sea_orm(column_type = "Text")]
    pub stripe_product_id: String,
    #[sea_orm(column_type = "Text")]
    pub plan: String,
    #[sea_orm(column_type = "Text")]
    pub status: String,
    pub current_period_start: DateTimeWithTimeZone,
    pub current_period_end: DateTimeWithTimeZone,
    #[sea_orm(default_value = false)]
    pub cancel_at_period_end: bool,
    pub canceled_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(default_value = 0)]
    pub campaigns_used: i32,
    #[sea_orm(default_value = 0)]
    pub emails_sent: i32,
    #[sea_orm(default_value = 0)]
    pub social_posts: i32,
    #[sea_orm(default_value = 0)]
    pub agent_calls: i32,
    #[sea_orm(default_value = 5)]
    pub campaign_limit: i32,
    #[sea_orm(default_value = 1000)]
    pub email_limit: i32,
    #[sea_orm(default_value = 100)]
    pub social_limit: i32,
    #[sea_orm(default_value = 100)]
    pub agent_call_limit: i32,
    pub trial_ends_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(has_many)]
    pub invoices: HasMany<super::invoices::Entity>,
    #[sea_orm(has_many)]
    pub usage_records: HasMany<super::usage_records::Entity>,
}

crate::uuid_v7_primary_key!();
