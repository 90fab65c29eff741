//! `training_jobs`: Training runs of a model version.
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Training runs of a model version.
///
/// Table `training_jobs` (Models).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "training_jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub model_version_id: Uuid,
    /// The organization of the `model_versions` row it belongs to (denormalised for row-level
    /// security and tenant indexes; the key `(model_version_id, organization_id)` keeps it equal).
    /// Filled from the parent when not set.
    pub organization_id: Uuid,
    #[sea_orm(default_value = "queued")]
    pub status: TrainStatus,
    #[sea_orm(column_type = "JsonBinary")]
    pub config: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub metrics: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub started_at: DateTimeWithTimeZone,
    pub completed_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(belongs_to, from = "model_version_id", to = "id", on_delete = "Cascade")]
    pub model_version: BelongsTo<super::model_versions::Entity>,
}

crate::uuid_v7_primary_key!();
