//! `agent_jobs`: Queued background jobs for agents.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Queued background jobs for agents.
///
/// Table `agent_jobs` (Agents and tools).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "agent_jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub organization_id: Option<Uuid>,
    /// Index (agent).
    #[sea_orm(column_type = "Text")]
    pub agent: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub input: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub output: Option<Json>,
    /// Index (status).
    #[sea_orm(column_type = "Text", default_value = "queued")]
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub error: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metrics: Option<Json>,
    pub created_by_id: Option<Uuid>,
    /// Index (created_at).
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    /// Index (created_at).
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<Option<super::organizations::Entity>>,
    #[sea_orm(belongs_to, from = "created_by_id", to = "id", on_delete = "SetNull")]
    pub created_by: BelongsTo<Option<super::users::Entity>>,
}

crate::uuid_v7_primary_key!();
