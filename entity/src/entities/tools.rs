//! `tools`: Tools agents can call, optionally acting through a connector.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Tools agents can call, optionally acting through a connector.
///
/// Table `tools` (Agents and tools).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tools")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "organization_id_slug")]
    pub organization_id: Uuid,
    pub agent_id: Option<Uuid>,
    /// The connector (channel) this tool acts through.
    pub connector_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// Unique (organization_id, slug).
    #[sea_orm(column_type = "Text", unique_key = "organization_id_slug")]
    pub slug: String,
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub input_schema: Option<Json>,
    #[sea_orm(column_type = "JsonBinary")]
    pub output_schema: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "agent_id", to = "id", on_delete = "SetNull")]
    pub agent: BelongsTo<Option<super::agents::Entity>>,
    #[sea_orm(belongs_to, from = "connector_id", to = "id", on_delete = "SetNull")]
    pub connector: BelongsTo<Option<super::connectors::Entity>>,
    #[sea_orm(has_many)]
    pub tool_executions: HasMany<super::tool_executions::Entity>,
}

crate::uuid_v7_primary_key!();
