//! `accounts`: OAuth identities of a user (one row per provider account); tokens are sealed ciphertext.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// OAuth identities of a user (one row per provider account); tokens are sealed ciphertext.
///
/// Table `accounts` (Identity and sessions).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub user_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub r#type: String,
    #[sea_orm(column_type = "Text", unique_key = "provider_provider_account_id")]
    pub provider: String,
    /// Unique (provider, provider_account_id).
    #[sea_orm(column_type = "Text", unique_key = "provider_provider_account_id")]
    pub provider_account_id: String,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub refresh_token: Option<Vec<u8>>,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub access_token: Option<Vec<u8>>,
    /// Epoch seconds.
    pub expires_at: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub token_type: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub scope: Option<String>,
    /// Secret.
    #[sea_orm(column_type = "VarBinary(StringLen::None)")]
    pub id_token: Option<Vec<u8>>,
    #[sea_orm(column_type = "Text")]
    pub session_state: Option<String>,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

crate::uuid_v7_primary_key!();
