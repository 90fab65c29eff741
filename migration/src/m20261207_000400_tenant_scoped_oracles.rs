//! Two unique keys that answered across tenants:
//!
//! - `connector_auths (user_id, connector_id, account_id)` had no organization: a duplicate-key
//!   error told organization C that Bob had connected that account privately, and C's row
//!   could squat it. The key becomes `(organization_id, user_id, connector_id, account_id)`
//!   (`connector_auths_org_user_connector_account_key`, NULLS NOT DISTINCT, so a user's private connections stay unique among themselves), and
//!   the foreign key to `users` gets its own index (`connector_auths_user_id_idx`), which the
//!   old key used to lead with.
//! - `verification_tokens.token_hash` was unique across identifiers: creating a token told
//!   whether any identifier already used that hash. Tokens are unique per identifier (the
//!   primary key `(identifier, token_hash)`), which is all a sign-in needs.
//!
//! Built and dropped `CONCURRENTLY` (outside a transaction): the new key is enforced before the
//! old one goes.

use crate::util::{build_index_concurrently, drop_index_concurrently};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD_CONNECTOR_KEY: &str = "connector_auths_user_id_connector_id_account_id_key";
/// `<table>_<columns>_key` would pass PostgreSQL's 63-byte limit on names (and lose its `_key`):
/// the columns are abbreviated.
const NEW_CONNECTOR_KEY: &str = "connector_auths_org_user_connector_account_key";
const USER_INDEX: &str = "connector_auths_user_id_idx";
const TOKEN_HASH_KEY: &str = "verification_tokens_token_hash_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        build_index_concurrently(
            manager,
            NEW_CONNECTOR_KEY,
            "connector_auths (organization_id, user_id, connector_id, account_id) \
             NULLS NOT DISTINCT",
            true,
        )
        .await?;
        build_index_concurrently(manager, USER_INDEX, "connector_auths (user_id)", false).await?;
        drop_index_concurrently(manager, OLD_CONNECTOR_KEY).await?;
        drop_index_concurrently(manager, TOKEN_HASH_KEY).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        build_index_concurrently(
            manager,
            TOKEN_HASH_KEY,
            "verification_tokens (token_hash)",
            true,
        )
        .await?;
        build_index_concurrently(
            manager,
            OLD_CONNECTOR_KEY,
            "connector_auths (user_id, connector_id, account_id) NULLS NOT DISTINCT",
            true,
        )
        .await?;
        drop_index_concurrently(manager, USER_INDEX).await?;
        drop_index_concurrently(manager, NEW_CONNECTOR_KEY).await?;
        Ok(())
    }
}
