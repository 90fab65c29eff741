//! Running work as a tenant, under the database's row-level security.
//!
//! The migration `tenant_isolation` gives every tenant table a policy for the application role
//! `neonhub_app`: a row is visible (and writable) only when its `organization_id` equals the
//! transaction-local setting `app.current_org_id`; user-level rows (NULL organization, and the
//! user tables) follow `app.current_user_id`. With nothing set, the application sees no rows.
//! Connect the API as a login role that is granted `neonhub_app` (never as the owner, which
//! bypasses the policies) and wrap each request's work in [`with_tenant`]:
//!
//! ```no_run
//! use entity::prelude::*;
//! use entity::tenant::{Tenant, with_tenant};
//! use sea_orm::{DatabaseConnection, EntityTrait};
//!
//! # async fn handler(app_db: &DatabaseConnection, org: uuid::Uuid, user: uuid::Uuid) -> Result<(), sea_orm::DbErr> {
//! let brands = with_tenant(app_db, Tenant::new(org).acting_as(user), |txn| {
//!     Box::pin(async move { Brands::find().all(txn).await })
//! })
//! .await?;
//! // Only this organization's brands, even if the query forgot to filter by organization.
//! # let _ = brands; Ok(()) }
//! ```
//!
//! The settings are set with `set_config(..., true)`: they end with the transaction, so a pooled
//! connection never carries one request's tenant into the next. [`set_local`] (and so
//! [`with_tenant`]) refuses a connection on which row-level security is not active (the owner,
//! a superuser, a role with BYPASSRLS): there the tenant would silently filter nothing.
//!
//! # Trust boundary
//! Row-level security protects against a query that forgets its tenant filter. It does not
//! protect against code that can run arbitrary SQL as the application role: such code can set
//! any tenant itself (SQL injection reaches every tenant). The owner and superusers are not
//! restricted at all. See docs/DB_GOVERNANCE.md, "Trust boundary".

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
    TransactionTrait,
};
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

/// The setting that names the current organization.
pub const ORG_SETTING: &str = "app.current_org_id";
/// The setting that names the acting user.
pub const USER_SETTING: &str = "app.current_user_id";
/// The application role the policies apply to.
pub const APP_ROLE: &str = "neonhub_app";

/// Who is acting: an organization (the tenant) and, optionally, a user within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tenant {
    /// The organization whose rows are visible.
    pub organization_id: Uuid,
    /// The acting user: their user-level rows (NULL organization) are visible too.
    pub user_id: Option<Uuid>,
}

impl Tenant {
    /// Act for `organization_id`, as no particular user.
    pub fn new(organization_id: Uuid) -> Self {
        Self {
            organization_id,
            user_id: None,
        }
    }

    /// Act as `user_id` as well.
    pub fn acting_as(mut self, user_id: Uuid) -> Self {
        self.user_id = Some(user_id);
        self
    }
}

/// What [`set_local`] says on a connection that row-level security does not restrict.
pub const NOT_UNDER_RLS: &str = "row-level security does not apply to this connection's role \
    (the owner, a superuser or a BYPASSRLS role): a tenant set here would filter nothing. \
    Connect the application as a login granted neonhub_app (DATABASE_APP_URL), not as the owner";

/// Set `tenant` for the rest of the transaction `txn` (transaction-local settings).
///
/// Fails with [`NOT_UNDER_RLS`] when row-level security is not active for the connection's
/// role, checked in the same statement that sets the tenant.
pub async fn set_local<C: ConnectionTrait>(txn: &C, tenant: &Tenant) -> Result<(), DbErr> {
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT row_security_active('public.organizations') AS rls, \
                set_config($1, $2, true), set_config($3, $4, true)",
            [
                ORG_SETTING.into(),
                tenant.organization_id.to_string().into(),
                USER_SETTING.into(),
                tenant
                    .user_id
                    .map(|u| u.to_string())
                    .unwrap_or_default()
                    .into(),
            ],
        ))
        .await?;
    let active = row
        .map(|r| r.try_get::<bool>("", "rls"))
        .transpose()?
        .unwrap_or(false);
    if active {
        Ok(())
    } else {
        Err(DbErr::Custom(NOT_UNDER_RLS.to_owned()))
    }
}

/// Run `work` in a new transaction with `tenant` set; commit when it returns `Ok`, roll back
/// when it returns `Err`.
pub async fn with_tenant<T, F>(db: &DatabaseConnection, tenant: Tenant, work: F) -> Result<T, DbErr>
where
    F: for<'c> FnOnce(
            &'c DatabaseTransaction,
        ) -> Pin<Box<dyn Future<Output = Result<T, DbErr>> + Send + 'c>>
        + Send,
    T: Send,
{
    let txn = db.begin().await?;
    set_local(&txn, &tenant).await?;
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
