//! `agent_run_metrics`: Named numeric measurements of one agent run.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Named numeric measurements of one agent run.
///
/// Table `agent_run_metrics` (Agents and tools).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "agent_run_metrics")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub agent_run_id: Uuid,
    /// The organization of the `agent_runs` row it belongs to (denormalised for row-level security
    /// and tenant indexes; the key `(agent_run_id, organization_id)` keeps it equal). Filled from
    /// the parent when not set.
    pub organization_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    pub value: Option<f64>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(belongs_to, from = "agent_run_id", to = "id", on_delete = "Cascade")]
    pub agent_run: BelongsTo<super::agent_runs::Entity>,
}

crate::uuid_v7_primary_key!();
