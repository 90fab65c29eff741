//! `invoices`: Stripe invoices of a subscription; amounts in minor units (cents).
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Stripe invoices of a subscription; amounts in minor units (cents).
///
/// Table `invoices` (Billing).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (subscription_id, status).
    pub subscription_id: Uuid,
    /// The user of the `subscriptions` row it belongs to (denormalised for row-level security and
    /// tenant indexes; the key `(subscription_id, user_id)` keeps it equal). Filled from the parent
    /// when not set.
    pub user_id: Uuid,
    /// Unique.
    #[sea_orm(column_type = "Text", unique)]
    pub stripe_invoice_id: String,
    #[sea_orm(column_type = "Text")]
    pub stripe_payment_intent_id: Option<String>,
    /// Minor units (cents); check >= 0.
    pub amount_due: i64,
    /// Check >= 0.
    #[sea_orm(default_value = 0)]
    pub amount_paid: i64,
    #[sea_orm(column_type = "Text", default_value = "usd")]
    pub currency: String,
    #[sea_orm(column_type = "Text")]
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub invoice_pdf: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub hosted_invoice_url: Option<String>,
    pub due_date: Option<DateTimeWithTimeZone>,
    pub paid_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "subscription_id", to = "id", on_delete = "Cascade")]
    pub subscription: BelongsTo<super::subscriptions::Entity>,
}

crate::uuid_v7_primary_key!();
