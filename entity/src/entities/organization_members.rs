//! `organization_members`: Membership of a user in an organization, with an optional role.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Membership of a user in an organization, with an optional role.
///
/// Table `organization_members` (Organizations and RBAC).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "organization_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "organization_id_user_id")]
    pub organization_id: Uuid,
    /// Unique (organization_id, user_id).
    #[sea_orm(unique_key = "organization_id_user_id")]
    pub user_id: Uuid,
    pub role_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", default_value = "active")]
    pub status: String,
    /// The user who sent the invitation: a foreign key to users (set to NULL when they are deleted).
    pub invited_by_id: Option<Uuid>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub joined_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, relation_enum = "User", from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(belongs_to, from = "role_id", to = "id", on_delete = "SetNull")]
    pub role: BelongsTo<Option<super::organization_roles::Entity>>,
    #[sea_orm(belongs_to, relation_enum = "InvitedBy", from = "invited_by_id", to = "id", on_delete = "SetNull")]
    pub invited_by: BelongsTo<Option<super::users::Entity>>,
}

crate::uuid_v7_primary_key!();
