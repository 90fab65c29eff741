//! `user_settings`: Per-user preferences: notifications, locale, privacy, API limits and webhooks.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Per-user preferences: notifications, locale, privacy, API limits and webhooks.
///
/// Table `user_settings` (Identity and sessions).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "user_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Unique.
    #[sea_orm(unique)]
    pub user_id: Uuid,
    #[sea_orm(column_type = "JsonBinary")]
    pub brand_voice: Option<Json>,
    #[sea_orm(default_value = true)]
    pub email_notifications: bool,
    #[sea_orm(default_value = false)]
    pub push_notifications: bool,
    #[sea_orm(column_type = "Text", default_value = "realtime")]
    pub notification_frequency: String,
    #[sea_orm(column_type = "Text", default_value = "UTC")]
    pub timezone: String,
    #[sea_orm(column_type = "Text", default_value = "en-US")]
    pub locale: String,
    #[sea_orm(column_type = "Text", default_value = "MM/DD/YYYY")]
    pub date_format: String,
    /// Check > 0.
    #[sea_orm(default_value = 90)]
    pub data_retention_days: i32,
    #[sea_orm(default_value = true)]
    pub allow_analytics: bool,
    #[sea_orm(default_value = true)]
    pub allow_personalization: bool,
    /// Check >= 0.
    #[sea_orm(default_value = 1000)]
    pub api_rate_limit: i32,
    #[sea_orm(column_type = "Text")]
    pub webhook_url: Option<String>,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub webhook_secret: Option<Vec<u8>>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

crate::uuid_v7_primary_key!();
