//! `trigger_configs`: Triggers configured on an authorised connector.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Triggers configured on an authorised connector.
///
/// Table `trigger_configs` (Connectors and credentials).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "trigger_configs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (connector_auth_id, is_active).
    pub connector_auth_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub trigger_type: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub config: Json,
    #[sea_orm(default_value = true)]
    pub is_active: bool,
    pub last_triggered_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(default_value = 0)]
    pub trigger_count: i32,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "connector_auth_id", to = "id", on_delete = "Cascade")]
    pub connector_auth: BelongsTo<super::connector_auths::Entity>,
}

crate::uuid_v7_primary_key!();
