//! `brand_assets`: Logos, images and other assets of a brand.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Logos, images and other assets of a brand.
///
/// Table `brand_assets` (Brand).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "brand_assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub brand_id: Uuid,
    /// The organization of the `brands` row it belongs to (denormalised for row-level security and
    /// tenant indexes; the key `(brand_id, organization_id)` keeps it equal). Filled from the
    /// parent when not set.
    pub organization_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub url: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "brand_id", to = "id", on_delete = "Cascade")]
    pub brand: BelongsTo<super::brands::Entity>,
}

crate::uuid_v7_primary_key!();
