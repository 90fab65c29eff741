//! `ab_tests`: A/B tests run inside a campaign.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A/B tests run inside a campaign.
///
/// Table `ab_tests` (Content and campaigns).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ab_tests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (campaign_id).
    pub campaign_id: Uuid,
    /// The organization of the `campaigns` row it belongs to (denormalised for row-level security
    /// and tenant indexes; the key `(campaign_id, organization_id)` keeps it equal). Filled from
    /// the parent when not set.
    pub organization_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub variants: Json,
    #[sea_orm(column_type = "Text")]
    pub winner: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metrics: Json,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub started_at: DateTimeWithTimeZone,
    pub completed_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(belongs_to, from = "campaign_id", to = "id", on_delete = "Cascade")]
    pub campaign: BelongsTo<super::campaigns::Entity>,
}

crate::uuid_v7_primary_key!();
