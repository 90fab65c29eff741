//! `email_sequences`: Emails scheduled as part of a campaign.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Emails scheduled as part of a campaign.
///
/// Table `email_sequences` (Content and campaigns).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "email_sequences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (campaign_id, scheduled_for).
    pub campaign_id: Uuid,
    /// The organization of the `campaigns` row it belongs to (denormalised for row-level security
    /// and tenant indexes; the key `(campaign_id, organization_id)` keeps it equal). Filled from
    /// the parent when not set.
    pub organization_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    #[sea_orm(column_type = "Text")]
    pub variant: Option<String>,
    pub scheduled_for: Option<DateTimeWithTimeZone>,
    pub sent_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metrics: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "campaign_id", to = "id", on_delete = "Cascade")]
    pub campaign: BelongsTo<super::campaigns::Entity>,
}

crate::uuid_v7_primary_key!();
