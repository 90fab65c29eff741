//! `api_keys`: Organization API keys: a display prefix and a hash, never the key itself.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Organization API keys: a display prefix and a hash, never the key itself.
///
/// Table `api_keys` (Organizations and RBAC).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub created_by_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// First characters of the key, for display; the key itself is stored only as a hash.
    #[sea_orm(column_type = "Text")]
    pub key_prefix: String,
    /// Unique (global); hash only, never the key.
    #[sea_orm(column_type = "Text", unique)]
    pub token_hash: String,
    #[sea_orm(column_type = "Array(RcOrArc::new(ColumnType::Text))", default_expr = "Expr::cust(\"'{}'\")")]
    pub scopes: Vec<String>,
    pub last_used_at: Option<DateTimeWithTimeZone>,
    pub expires_at: Option<DateTimeWithTimeZone>,
    pub revoked_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "created_by_id", to = "id", on_delete = "Cascade")]
    pub created_by: BelongsTo<super::users::Entity>,
}

crate::uuid_v7_primary_key!();
