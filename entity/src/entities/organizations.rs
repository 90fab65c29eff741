//! `organizations`: Tenants: every organization-scoped row belongs to one organization.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Tenants: every organization-scoped row belongs to one organization.
///
/// Table `organizations` (Organizations and RBAC).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Unique.
    #[sea_orm(column_type = "Text", unique)]
    pub slug: String,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "Text", default_value = "starter")]
    pub plan: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(has_many)]
    pub organization_roles: HasMany<super::organization_roles::Entity>,
    #[sea_orm(has_many)]
    pub organization_permissions: HasMany<super::organization_permissions::Entity>,
    #[sea_orm(has_many)]
    pub organization_members: HasMany<super::organization_members::Entity>,
    #[sea_orm(has_many)]
    pub api_keys: HasMany<super::api_keys::Entity>,
    #[sea_orm(has_many)]
    pub team_members: HasMany<super::team_members::Entity>,
    #[sea_orm(has_many)]
    pub embedding_spaces: HasMany<super::embedding_spaces::Entity>,
    #[sea_orm(has_many)]
    pub brands: HasMany<super::brands::Entity>,
    #[sea_orm(has_many)]
    pub agents: HasMany<super::agents::Entity>,
    #[sea_orm(has_many)]
    pub agent_runs: HasMany<super::agent_runs::Entity>,
    #[sea_orm(has_many)]
    pub tools: HasMany<super::tools::Entity>,
    #[sea_orm(has_many)]
    pub agent_jobs: HasMany<super::agent_jobs::Entity>,
    #[sea_orm(has_many)]
    pub conversations: HasMany<super::conversations::Entity>,
    #[sea_orm(has_many)]
    pub messages: HasMany<super::messages::Entity>,
    #[sea_orm(has_many)]
    pub datasets: HasMany<super::datasets::Entity>,
    #[sea_orm(has_many)]
    pub documents: HasMany<super::documents::Entity>,
    #[sea_orm(has_many)]
    pub chunks: HasMany<super::chunks::Entity>,
    #[sea_orm(has_many)]
    pub model_versions: HasMany<super::model_versions::Entity>,
    #[sea_orm(has_many)]
    pub inference_endpoints: HasMany<super::inference_endpoints::Entity>,
    #[sea_orm(has_many)]
    pub content: HasMany<super::content::Entity>,
    #[sea_orm(has_many)]
    pub content_drafts: HasMany<super::content_drafts::Entity>,
    #[sea_orm(has_many)]
    pub campaigns: HasMany<super::campaigns::Entity>,
    #[sea_orm(has_many)]
    pub tasks: HasMany<super::tasks::Entity>,
    #[sea_orm(has_many)]
    pub feedback: HasMany<super::feedback::Entity>,
    #[sea_orm(has_many)]
    pub audit_logs: HasMany<super::audit_logs::Entity>,
    #[sea_orm(has_many)]
    pub connector_auths: HasMany<super::connector_auths::Entity>,
}

crate::uuid_v7_primary_key!();
