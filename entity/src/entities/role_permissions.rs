//! `role_permissions`: Which permissions each organization role grants (junction table).
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Which permissions each organization role grants (junction table).
///
/// Table `role_permissions` (Organizations and RBAC).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "role_permissions")]
pub struct Model {
    /// Primary key is (role_id, permission_id).
    #[sea_orm(primary_key, auto_increment = false)]
    pub role_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub permission_id: Uuid,
    /// The organization of the role and the permission it joins (denormalised for row-level
    /// security and tenant indexes; the keys `(role_id, organization_id)` and `(permission_id,
    /// organization_id)` keep it equal). Filled from the parent when not set.
    pub organization_id: Uuid,
    #[sea_orm(belongs_to, from = "role_id", to = "id", on_delete = "Cascade")]
    pub role: BelongsTo<super::organization_roles::Entity>,
    #[sea_orm(belongs_to, from = "permission_id", to = "id", on_delete = "Cascade")]
    pub permission: BelongsTo<super::organization_permissions::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
