//! `brands`: Brands of an organization.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Brands of an organization.
///
/// Table `brands` (Brand).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "brands")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "organization_id_slug")]
    pub organization_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// Unique (organization_id, slug).
    #[sea_orm(column_type = "Text", unique_key = "organization_id_slug")]
    pub slug: String,
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub main_color: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub slogan: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(has_many)]
    pub brand_voices: HasMany<super::brand_voices::Entity>,
    #[sea_orm(has_many)]
    pub brand_assets: HasMany<super::brand_assets::Entity>,
}

crate::uuid_v7_primary_key!();
