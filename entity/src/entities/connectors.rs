//! `connectors`: The global catalogue of omni-channel connectors (not per organization).
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The global catalogue of omni-channel connectors (not per organization).
///
/// Table `connectors` (Connectors and credentials).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "connectors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Unique.
    #[sea_orm(column_type = "Text", unique)]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub display_name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// Text in the initial migration, converted by the connector-kind migration.
    pub category: ConnectorKind,
    #[sea_orm(column_type = "Text")]
    pub icon_url: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub website_url: Option<String>,
    /// E.g. oauth2, api_key, smtp.
    #[sea_orm(column_type = "Text")]
    pub auth_type: String,
    /// Metadata only, never a secret.
    #[sea_orm(column_type = "JsonBinary")]
    pub auth_config: Json,
    #[sea_orm(default_value = true)]
    pub is_enabled: bool,
    #[sea_orm(default_value = false)]
    pub is_verified: bool,
    #[sea_orm(column_type = "JsonBinary")]
    pub triggers: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub actions: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(has_many)]
    pub tools: HasMany<super::tools::Entity>,
    #[sea_orm(has_many)]
    pub connector_auths: HasMany<super::connector_auths::Entity>,
}

crate::uuid_v7_primary_key!();
