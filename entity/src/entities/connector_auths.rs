//! `connector_auths`: A user's authorisation of a connector; secrets are sealed ciphertext.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A user's authorisation of a connector; secrets are sealed ciphertext.
///
/// Table `connector_auths` (Connectors and credentials).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "connector_auths")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Unique (organization_id, user_id, connector_id, account_id) NULLS NOT DISTINCT: an
    /// account is connected once per organization, and once among a user's private rows.
    #[sea_orm(unique_key = "org_user_connector_account")]
    pub user_id: Uuid,
    #[sea_orm(unique_key = "org_user_connector_account")]
    pub connector_id: Uuid,
    #[sea_orm(unique_key = "org_user_connector_account")]
    pub organization_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", unique_key = "org_user_connector_account")]
    pub account_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub account_name: Option<String>,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub access_token: Option<Vec<u8>>,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub refresh_token: Option<Vec<u8>>,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub api_key: Option<Vec<u8>>,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub api_secret: Option<Vec<u8>>,
    #[sea_orm(column_type = "Text")]
    pub scope: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub token_type: Option<String>,
    pub expires_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", default_value = "active")]
    pub status: String,
    pub last_used_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text")]
    pub last_error: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(belongs_to, from = "connector_id", to = "id", on_delete = "Cascade")]
    pub connector: BelongsTo<super::connectors::Entity>,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<Option<super::organizations::Entity>>,
    #[sea_orm(has_many)]
    pub trigger_configs: HasMany<super::trigger_configs::Entity>,
    #[sea_orm(has_many)]
    pub action_configs: HasMany<super::action_configs::Entity>,
}

crate::uuid_v7_primary_key!();
