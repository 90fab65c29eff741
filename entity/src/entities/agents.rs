//! `agents`: AI agents of an organization (copilots, workflows, analysts).
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// AI agents of an organization (copilots, workflows, analysts).
///
/// Table `agents` (Agents and tools).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "agents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "organization_id_slug")]
    pub organization_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// Unique (organization_id, slug).
    #[sea_orm(column_type = "Text", unique_key = "organization_id_slug")]
    pub slug: String,
    pub kind: AgentKind,
    #[sea_orm(default_value = "ACTIVE")]
    pub status: AgentStatus,
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub version: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub config: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(has_many)]
    pub agent_capabilities: HasMany<super::agent_capabilities::Entity>,
    #[sea_orm(has_many)]
    pub agent_configs: HasMany<super::agent_configs::Entity>,
    #[sea_orm(has_many)]
    pub agent_runs: HasMany<super::agent_runs::Entity>,
    #[sea_orm(has_many)]
    pub tools: HasMany<super::tools::Entity>,
}

crate::uuid_v7_primary_key!();
