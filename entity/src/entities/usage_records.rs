//! `usage_records`: Metered usage of a subscription.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Metered usage of a subscription.
///
/// Table `usage_records` (Billing).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "usage_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (subscription_id, resource_type, timestamp).
    pub subscription_id: Uuid,
    /// The user of the `subscriptions` row it belongs to (denormalised for row-level security and
    /// tenant indexes; the key `(subscription_id, user_id)` keeps it equal). Filled from the parent
    /// when not set.
    pub user_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub resource_type: String,
    #[sea_orm(column_type = "Text")]
    pub resource_id: Option<String>,
    #[sea_orm(default_value = 1)]
    pub quantity: i32,
    /// Minor units.
    pub cost: Option<i64>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub timestamp: DateTimeWithTimeZone,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(belongs_to, from = "subscription_id", to = "id", on_delete = "Cascade")]
    pub subscription: BelongsTo<super::subscriptions::Entity>,
}

crate::uuid_v7_primary_key!();
