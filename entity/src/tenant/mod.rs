//! Running work as a tenant, under the database's row-level security, entered with a
//! credential the database checks.
//!
//! Every tenant table has a policy for the application role `neonhub_app`: a row is visible
//! (and writable) only in the current organization, or, for a user's own rows, to the acting
//! user. The current organization and user are a **context** that only the database's definer
//! functions can write, after checking a [`Credential`]: a live session (by its token's hash)
//! and an active membership, a usable API key, or a [`Ticket`] the API signed with a
//! [`TicketKey`] that never enters SQL. The context is signed (HMAC) and bound to the
//! connection's backend and to the transaction, so SQL run as the application login (a SQL
//! injection, a buggy endpoint) cannot choose another tenant: a setting it writes itself, or one
//! copied from another connection or an earlier transaction, selects nothing. With no context the
//! application sees no rows.
//!
//! Connect the API as a login role that is granted `neonhub_app` (never as the owner, which
//! bypasses the policies) and wrap each request's work in [`with_tenant`]:
//!
//! ```no_run
//! use entity::prelude::*;
//! use entity::tenant::{Credential, TicketKeys, Tenant, with_tenant};
//! use sea_orm::{DatabaseConnection, EntityTrait};
//!
//! # async fn handler(app_db: &DatabaseConnection, bearer: &str, org: uuid::Uuid) -> Result<(), sea_orm::DbErr> {
//! // A request with a session token, in one of the user's organizations.
//! let brands = with_tenant(app_db, &Credential::session_token(bearer, Some(org)), |txn| {
//!     Box::pin(async move { Brands::find().all(txn).await })
//! })
//! .await?;
//! // Only this organization's brands, even if the query forgot to filter by organization.
//! # let _ = brands;
//! // A background job of an organization (no acting user): a ticket signed by the API.
//! let keys = TicketKeys::from_env().expect("NEONHUB_TICKET_KEYS");
//! with_tenant(app_db, &keys.signing().worker(org), |txn| {
//!     Box::pin(async move { Brands::find().all(txn).await.map(|_| ()) })
//! })
//! .await?;
//! # Ok(()) }
//! ```
//!
//! The context is transaction-local: a pooled connection never carries one request's tenant into
//! the next. [`enter`] (and so [`with_tenant`]) refuses a connection on which row-level security
//! is not active (the owner, a superuser, a role with BYPASSRLS): there the tenant would silently
//! filter nothing. What this protects and what it does not: docs/DB_GOVERNANCE.md, "Trust
//! boundary".

mod credential;
mod pool;

pub use credential::{
    Credential, DEFAULT_TICKET_LIFETIME, MAX_TICKET_LIFETIME, TICKET_KEYS_ENV, Ticket, TicketKey,
    TicketKeys,
};
pub use pool::TenantConnection;

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement};
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

/// The transaction-local setting that holds the signed context (written by the database's
/// `tenant_enter_*` functions only; writing it yourself selects nothing).
pub const CONTEXT_SETTING: &str = "neonhub.tenant";
/// The application role the policies apply to.
pub const APP_ROLE: &str = "neonhub_app";

/// Whom a [`Ticket`] names: an organization and/or a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tenant {
    /// The organization whose rows are visible.
    pub organization_id: Option<Uuid>,
    /// The acting user: their own rows (NULL organization, user tables) are visible too.
    pub user_id: Option<Uuid>,
}

impl Tenant {
    /// Act for `organization_id`, as no particular user (a worker).
    pub fn new(organization_id: Uuid) -> Self {
        Self {
            organization_id: Some(organization_id),
            user_id: None,
        }
    }

    /// Act as `user_id` in no organization: their own rows only.
    pub fn user(user_id: Uuid) -> Self {
        Self {
            organization_id: None,
            user_id: Some(user_id),
        }
    }

    /// Act as `user_id` as well (who must be an active member of the organization).
    pub fn acting_as(mut self, user_id: Uuid) -> Self {
        self.user_id = Some(user_id);
        self
    }
}

/// The context the database entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The current organization, if any.
    pub organization_id: Option<Uuid>,
    /// The acting user, if any (none for a worker).
    pub user_id: Option<Uuid>,
    /// The API key it was entered with, if any.
    pub api_key_id: Option<Uuid>,
    /// That key's scopes (empty otherwise).
    pub scopes: Vec<String>,
}

/// What [`enter`] says on a connection that row-level security does not restrict.
pub const NOT_UNDER_RLS: &str = "row-level security does not apply to this connection's role \
    (the owner, a superuser or a BYPASSRLS role): a tenant set here would filter nothing. \
    Connect the application as a login granted neonhub_app (DATABASE_APP_URL), not as the owner";

/// The one statement that checks `credential` and enters its context (one round trip), with
/// whether row-level security applies to the connection.
fn enter_statement(credential: &Credential) -> Statement {
    const COLUMNS: &str = "SELECT pg_catalog.row_security_active('public.organizations') AS rls, \
                           e.organization_id, e.user_id";
    let (sql, values): (String, Vec<sea_orm::Value>) = match credential {
        Credential::Session {
            token_hash,
            organization_id,
        } => (
            format!(
                "{COLUMNS}, NULL::pg_catalog.uuid AS api_key_id, NULL::pg_catalog.text[] AS scopes \
                 FROM public.tenant_enter_session($1, $2) e"
            ),
            vec![token_hash.clone().into(), (*organization_id).into()],
        ),
        Credential::ApiKey { token_hash } => (
            format!("{COLUMNS}, e.api_key_id, e.scopes FROM public.tenant_enter_api_key($1) e"),
            vec![token_hash.clone().into()],
        ),
        Credential::Ticket(ticket) => (
            format!(
                "{COLUMNS}, NULL::pg_catalog.uuid AS api_key_id, NULL::pg_catalog.text[] AS scopes \
                 FROM public.tenant_enter_ticket($1) e"
            ),
            vec![ticket.as_str().to_owned().into()],
        ),
    };
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// Check `credential` and enter its context for the rest of the transaction `txn`.
///
/// Fails with the database's refusal (SQLSTATE 28000 for an unknown, expired or forged
/// credential, 42501 for a user who is not an active member of the organization) or with
/// [`NOT_UNDER_RLS`] when row-level security is not active for the connection's role.
pub async fn enter<C: ConnectionTrait>(txn: &C, credential: &Credential) -> Result<Context, DbErr> {
    let row = txn
        .query_one_raw(enter_statement(credential))
        .await?
        .ok_or_else(|| DbErr::Custom("entering the tenant returned no row".into()))?;
    if !row.try_get::<bool>("", "rls")? {
        return Err(DbErr::Custom(NOT_UNDER_RLS.to_owned()));
    }
    Ok(Context {
        organization_id: row.try_get("", "organization_id")?,
        user_id: row.try_get("", "user_id")?,
        api_key_id: row.try_get("", "api_key_id")?,
        scopes: row
            .try_get::<Option<Vec<String>>>("", "scopes")?
            .unwrap_or_default(),
    })
}

/// The context of the current transaction as the policies see it (both `None` when none was
/// entered, or the setting is not a valid context of this transaction).
pub async fn current<C: ConnectionTrait>(txn: &C) -> Result<Tenant, DbErr> {
    let row = txn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT public.app_current_org_id() AS org, public.app_current_user_id() AS usr",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("reading the tenant returned no row".into()))?;
    Ok(Tenant {
        organization_id: row.try_get("", "org")?,
        user_id: row.try_get("", "usr")?,
    })
}

/// Run `work` in a new transaction in the context `credential` enters; commit when it returns
/// `Ok`, roll back when it returns `Err` (or when the credential is refused). `db` is the
/// application's pool ([`neonhub_db::app::connect_app`]; a plain
/// [`sea_orm::DatabaseConnection`] works for direct connections).
pub async fn with_tenant<D, T, F>(db: &D, credential: &Credential, work: F) -> Result<T, DbErr>
where
    D: TenantConnection + ?Sized,
    F: for<'c> FnOnce(
            &'c DatabaseTransaction,
        ) -> Pin<Box<dyn Future<Output = Result<T, DbErr>> + Send + 'c>>
        + Send,
    T: Send,
{
    let txn = db.begin_tenant_transaction().await?;
    if let Err(err) = enter(&txn, credential).await {
        txn.rollback().await.ok();
        return Err(err);
    }
    match work(&txn).await {
        Ok(value) => {
            txn.commit().await?;
            Ok(value)
        }
        Err(err) => {
            txn.rollback().await?;
            Err(err)
        }
    }
}
