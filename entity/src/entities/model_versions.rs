//! `model_versions`: Versions of models an organization trains or uses.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Versions of models an organization trains or uses.
///
/// Table `model_versions` (Models).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "model_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "organization_id_name_version")]
    pub organization_id: Uuid,
    /// Unique (organization_id, name, version): one row per version of a model in an organization.
    #[sea_orm(column_type = "Text", unique_key = "organization_id_name_version")]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub provider: String,
    #[sea_orm(column_type = "Text", unique_key = "organization_id_name_version")]
    pub version: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(has_many)]
    pub training_jobs: HasMany<super::training_jobs::Entity>,
    #[sea_orm(has_many)]
    pub inference_endpoints: HasMany<super::inference_endpoints::Entity>,
}

crate::uuid_v7_primary_key!();
