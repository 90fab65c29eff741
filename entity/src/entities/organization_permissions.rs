//! `organization_permissions`: Permission keys of an organization, such as `workspace:manage`.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Permission keys of an organization, such as `workspace:manage`.
///
/// Table `organization_permissions` (Organizations and RBAC).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "organization_permissions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "organization_id_key")]
    pub organization_id: Uuid,
    /// Unique (organization_id, key); e.g. workspace:manage.
    #[sea_orm(column_type = "Text", unique_key = "organization_id_key")]
    pub key: String,
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(has_many)]
    pub role_permissions: HasMany<super::role_permissions::Entity>,
}

crate::uuid_v7_primary_key!();
