//! `audit_logs`: Append-only audit trail of actions.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Append-only audit trail of actions.
///
/// Table `audit_logs` (Governance).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "audit_logs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (organization_id, created_at).
    pub organization_id: Option<Uuid>,
    /// Index (user_id, created_at).
    pub user_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub actor_type: Option<String>,
    /// Index (action).
    #[sea_orm(column_type = "Text")]
    pub action: String,
    #[sea_orm(column_type = "Text")]
    pub resource_type: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub resource_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub request_hash: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    /// An `inet`, so addresses are validated and can be searched by network.
    #[sea_orm(column_type = "Inet")]
    pub ip: Option<IpNetwork>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "SetNull")]
    pub organization: BelongsTo<Option<super::organizations::Entity>>,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "SetNull")]
    pub user: BelongsTo<Option<super::users::Entity>>,
}

crate::uuid_v7_primary_key!();
