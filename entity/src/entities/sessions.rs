//! `sessions`: Sign-in sessions of a user; only the SHA-256 of the session token is stored.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Sign-in sessions of a user; only the SHA-256 of the session token is stored.
///
/// Table `sessions` (Identity and sessions).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub user_id: Uuid,
    /// Unique; SHA-256 of the session token: the token itself is never stored (a leaked table gives no session).
    #[sea_orm(column_type = "Text", unique)]
    pub token_hash: String,
    pub expires_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

crate::uuid_v7_primary_key!();
