//! `agent_capabilities`: Named capabilities of an agent.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Named capabilities of an agent.
///
/// Table `agent_capabilities` (Agents and tools).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "agent_capabilities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "agent_id_name")]
    pub agent_id: Uuid,
    /// The organization of the `agents` row it belongs to (denormalised for row-level security and
    /// tenant indexes; the key `(agent_id, organization_id)` keeps it equal). Filled from the
    /// parent when not set.
    pub organization_id: Uuid,
    /// Unique per agent (key `(organization_id, agent_id, name)`), for idempotent upserts.
    #[sea_orm(column_type = "Text", unique_key = "agent_id_name")]
    pub name: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub config: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "agent_id", to = "id", on_delete = "Cascade")]
    pub agent: BelongsTo<super::agents::Entity>,
}

crate::uuid_v7_primary_key!();
