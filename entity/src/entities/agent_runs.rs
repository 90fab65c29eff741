//! `agent_runs`: Executions of an agent, with input, output and metrics.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Executions of an agent, with input, output and metrics.
///
/// Table `agent_runs` (Agents and tools).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "agent_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (agent_id, started_at).
    pub agent_id: Uuid,
    pub organization_id: Uuid,
    pub dataset_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", default_value = "queued")]
    pub status: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub input: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub output: Option<Json>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metrics: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub started_at: DateTimeWithTimeZone,
    pub completed_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(belongs_to, from = "agent_id", to = "id", on_delete = "Cascade")]
    pub agent: BelongsTo<super::agents::Entity>,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "dataset_id", to = "id", on_delete = "SetNull")]
    pub dataset: BelongsTo<Option<super::datasets::Entity>>,
    #[sea_orm(has_many)]
    pub agent_run_metrics: HasMany<super::agent_run_metrics::Entity>,
    #[sea_orm(has_many)]
    pub tool_executions: HasMany<super::tool_executions::Entity>,
}

crate::uuid_v7_primary_key!();
