//! `tool_executions`: Calls of a tool, optionally within an agent run.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Calls of a tool, optionally within an agent run.
///
/// Table `tool_executions` (Agents and tools).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tool_executions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub tool_id: Uuid,
    /// The organization of the `tools` row it belongs to (denormalised for row-level security and
    /// tenant indexes; the key `(tool_id, organization_id)` keeps it equal). Filled from the parent
    /// when not set.
    pub organization_id: Uuid,
    pub agent_run_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", default_value = "queued")]
    pub status: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub input: Option<Json>,
    #[sea_orm(column_type = "JsonBinary")]
    pub output: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub started_at: DateTimeWithTimeZone,
    pub completed_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(belongs_to, from = "tool_id", to = "id", on_delete = "Cascade")]
    pub tool: BelongsTo<super::tools::Entity>,
    #[sea_orm(belongs_to, from = "agent_run_id", to = "id", on_delete = "SetNull")]
    pub agent_run: BelongsTo<Option<super::agent_runs::Entity>>,
}

crate::uuid_v7_primary_key!();
