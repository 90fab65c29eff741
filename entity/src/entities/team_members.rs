//! `team_members`: Team directory entries of users, optionally inside an organization.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Team directory entries of users, optionally inside an organization.
///
/// Table `team_members` (Organizations and RBAC).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "team_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "user_id_organization_id")]
    pub organization_id: Option<Uuid>,
    /// Unique (user_id, organization_id).
    #[sea_orm(unique_key = "user_id_organization_id")]
    pub user_id: Uuid,
    /// Index (role, status).
    #[sea_orm(column_type = "Text", default_value = "Member")]
    pub role: String,
    #[sea_orm(column_type = "Text")]
    pub department: Option<String>,
    #[sea_orm(column_type = "Text", default_value = "active")]
    pub status: String,
    pub invited_by_id: Option<Uuid>,
    pub invited_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub joined_at: DateTimeWithTimeZone,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<Option<super::organizations::Entity>>,
    #[sea_orm(belongs_to, relation_enum = "User", from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(belongs_to, relation_enum = "InvitedBy", from = "invited_by_id", to = "id", on_delete = "SetNull")]
    pub invited_by: BelongsTo<Option<super::users::Entity>>,
}

crate::uuid_v7_primary_key!();
