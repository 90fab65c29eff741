//! `credentials`: Provider credentials of a user; secrets are sealed ciphertext.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Provider credentials of a user; secrets are sealed ciphertext.
///
/// Table `credentials` (Connectors and credentials).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Unique (user_id, provider, account_id) NULLS NOT DISTINCT; index (user_id, provider).
    #[sea_orm(unique_key = "user_id_provider_account_id")]
    pub user_id: Uuid,
    #[sea_orm(column_type = "Text", unique_key = "user_id_provider_account_id")]
    pub provider: String,
    #[sea_orm(column_type = "Text", unique_key = "user_id_provider_account_id")]
    pub account_id: Option<String>,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub access_token: Option<Vec<u8>>,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub refresh_token: Option<Vec<u8>>,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub access_secret: Option<Vec<u8>>,
    #[sea_orm(column_type = "Text")]
    pub scope: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub token_type: Option<String>,
    pub expires_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", default_value = "active")]
    pub status: String,
    pub last_used_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

crate::uuid_v7_primary_key!();
