//! Lookups that run before a tenant is known (sign-in), through the database's narrow
//! `SECURITY DEFINER` functions (migration `tenant_write_rules`).
//!
//! Under row-level security the application role cannot find a session or an API key by its
//! token hash (no tenant is entered yet), nor read `verification_tokens` at all. These functions
//! answer exactly the one row asked for, so the API never needs the owner's connection. A request
//! does not need them to enter its tenant: [`crate::tenant::with_tenant`] takes the session token
//! or API key itself ([`crate::tenant::Credential`]) and the database checks it:
//!
//! ```no_run
//! use entity::tenant::{Credential, with_tenant};
//! # async fn request(app_db: &sea_orm::DatabaseConnection, bearer: &str) -> Result<(), sea_orm::DbErr> {
//! with_tenant(app_db, &Credential::api_key(bearer), |txn| Box::pin(async move { Ok(()) })).await?;
//! # Ok(()) }
//! ```

use chrono::{DateTime, FixedOffset};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};
use uuid::Uuid;

use crate::tenant::TicketKey;

/// A live session found by its token hash.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct SessionLookup {
    /// `sessions.id`.
    pub session_id: Uuid,
    /// The signed-in user.
    pub user_id: Uuid,
    /// When the session ends.
    pub expires_at: DateTime<FixedOffset>,
}

/// A usable API key (not revoked, not expired, its creator still an active member of its
/// organization) found by its token hash.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct ApiKeyLookup {
    /// `api_keys.id`.
    pub api_key_id: Uuid,
    /// The organization the key acts for.
    pub organization_id: Uuid,
    /// The user who created it.
    pub created_by_id: Uuid,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// When it expires, if ever.
    pub expires_at: Option<DateTime<FixedOffset>>,
}

/// The SQLSTATE of an attempt on a locked-out identifier ([`use_verification_token`]).
pub const LOCKED_OUT: &str = "NH429";

fn statement(sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// The live session whose token hashes to `token_hash` (`secrets::token_hash`), if any.
pub async fn session_by_token_hash<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
) -> Result<Option<SessionLookup>, DbErr> {
    SessionLookup::find_by_statement(statement(
        "SELECT session_id, user_id, expires_at FROM auth_session_by_token_hash($1)",
        vec![token_hash.into()],
    ))
    .one(db)
    .await
}

/// The usable API key whose token hashes to `token_hash`, if any.
pub async fn api_key_by_token_hash<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
) -> Result<Option<ApiKeyLookup>, DbErr> {
    ApiKeyLookup::find_by_statement(statement(
        "SELECT api_key_id, organization_id, created_by_id, scopes, expires_at \
         FROM auth_api_key_by_token_hash($1)",
        vec![token_hash.into()],
    ))
    .one(db)
    .await
}

/// The id of the user with this email (any case, surrounding spaces ignored: the function
/// normalises it as addresses are stored, [`crate::users::normalize_email`]), if any.
pub async fn user_id_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<Uuid>, DbErr> {
    let row = db
        .query_one_raw(statement(
            "SELECT auth_user_id_by_email($1) AS id",
            vec![email.into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<Option<Uuid>>("", "id"))
        .transpose()?
        .flatten())
}

/// Store a sign-in token for `identifier` (an email, at most 320 characters) by its hash,
/// valid until `expires_at` (at most 7 days ahead; whole seconds count), signed with the API's
/// ticket key so that the database knows the API made it: SQL run as the application login
/// cannot mint a sign-in token for someone else's address.
pub async fn create_verification_token<C: ConnectionTrait>(
    db: &C,
    key: &TicketKey,
    identifier: &str,
    token_hash: &str,
    expires_at: DateTime<FixedOffset>,
) -> Result<(), DbErr> {
    let expires = expires_at.timestamp();
    let signature = key.sign_message(&format!(
        "nhv1\n{}\n{identifier}\n{token_hash}\n{expires}",
        key.id()
    ));
    db.execute_raw(statement(
        "SELECT auth_create_verification_token($1, $2, $3, $4, $5)",
        vec![
            identifier.into(),
            token_hash.into(),
            expires_at.into(),
            key.id().into(),
            signature.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Use (delete) the sign-in token of `identifier` with this hash: `true` when it existed and
/// had not expired. A token works once. Five failures within 15 minutes lock the identifier for
/// 15 minutes: every attempt then fails with SQLSTATE [`LOCKED_OUT`].
pub async fn use_verification_token<C: ConnectionTrait>(
    db: &C,
    identifier: &str,
    token_hash: &str,
) -> Result<bool, DbErr> {
    let row = db
        .query_one_raw(statement(
            "SELECT auth_use_verification_token($1, $2) AS ok",
            vec![identifier.into(), token_hash.into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<bool>("", "ok"))
        .transpose()?
        .unwrap_or(false))
}
