//! `inference_endpoints`: Deployed inference endpoints of an organization.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Deployed inference endpoints of an organization.
///
/// Table `inference_endpoints` (Models).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "inference_endpoints")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "organization_id_slug")]
    pub organization_id: Uuid,
    pub model_version_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// Unique (organization_id, slug).
    #[sea_orm(column_type = "Text", unique_key = "organization_id_slug")]
    pub slug: String,
    #[sea_orm(column_type = "Text", default_value = "draft")]
    pub status: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub config: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "model_version_id", to = "id", on_delete = "SetNull")]
    pub model_version: BelongsTo<Option<super::model_versions::Entity>>,
}

crate::uuid_v7_primary_key!();
