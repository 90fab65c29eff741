//! `verification_tokens`: One-time email verification tokens, stored as hashes only.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One-time email verification tokens, stored as hashes only.
///
/// Table `verification_tokens` (Identity and sessions).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "verification_tokens")]
pub struct Model {
    /// Primary key is (identifier, token_hash); at most 320 characters.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub identifier: String,
    /// Hash only; unique per identifier (the primary key), not across identifiers.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub token_hash: String,
    pub expires_at: DateTimeWithTimeZone,
}

impl ActiveModelBehavior for ActiveModel {}
