//! `brand_voices`: The voice of a brand: prompt template, style rules and an embedding.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The voice of a brand: prompt template, style rules and an embedding.
///
/// Table `brand_voices` (Brand).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "brand_voices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub brand_id: Uuid,
    /// The organization of the `brands` row it belongs to (denormalised for row-level security and
    /// tenant indexes; the key `(brand_id, organization_id)` keeps it equal). Filled from the
    /// parent when not set.
    pub organization_id: Uuid,
    pub embedding_space_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub prompt_template: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub style_rules: Json,
    /// HNSW index, cosine.
    #[sea_orm(column_type = "Vector(Some(1536))")]
    pub embedding: Option<PgVector>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metrics: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "brand_id", to = "id", on_delete = "Cascade")]
    pub brand: BelongsTo<super::brands::Entity>,
    #[sea_orm(belongs_to, from = "embedding_space_id", to = "id", on_delete = "Cascade")]
    pub embedding_space: BelongsTo<super::embedding_spaces::Entity>,
}

crate::uuid_v7_primary_key!();
