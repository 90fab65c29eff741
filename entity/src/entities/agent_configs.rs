//! `agent_configs`: Key/value configuration entries of an agent.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Key/value configuration entries of an agent.
///
/// Table `agent_configs` (Agents and tools).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "agent_configs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "agent_id_key")]
    pub agent_id: Uuid,
    /// The organization of the `agents` row it belongs to (denormalised for row-level security and
    /// tenant indexes; the key `(agent_id, organization_id)` keeps it equal). Filled from the
    /// parent when not set.
    pub organization_id: Uuid,
    /// Unique per agent (key `(organization_id, agent_id, key)`).
    #[sea_orm(column_type = "Text", unique_key = "agent_id_key")]
    pub key: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub value: Json,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "agent_id", to = "id", on_delete = "Cascade")]
    pub agent: BelongsTo<super::agents::Entity>,
}

crate::uuid_v7_primary_key!();
