//! `embedding_spaces`: Embedding models an organization uses (provider, model, dimension).
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Embedding models an organization uses (provider, model, dimension).
///
/// Table `embedding_spaces` (Brand).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "embedding_spaces")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "organization_id_name")]
    pub organization_id: Uuid,
    /// Unique (organization_id, name).
    #[sea_orm(column_type = "Text", unique_key = "organization_id_name")]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub provider: String,
    #[sea_orm(column_type = "Text")]
    pub model: String,
    /// Check 1..16000; vector columns below are 1536.
    pub dimension: i32,
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
    pub datasets: HasMany<super::datasets::Entity>,
    #[sea_orm(has_many)]
    pub documents: HasMany<super::documents::Entity>,
    #[sea_orm(has_many)]
    pub chunks: HasMany<super::chunks::Entity>,
}

crate::uuid_v7_primary_key!();
