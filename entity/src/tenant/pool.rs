//! What [`super::with_tenant`] runs on: the application's pool, which knows whether a
//! transaction pooler is in front, or a direct pool.

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use std::future::Future;

/// What [`with_tenant`] runs on: a pool that begins the transaction a context is entered in.
///
/// - [`neonhub_db::app::AppConnection`] (from [`neonhub_db::app::connect_app`]): the
///   application's pool, which knows whether a transaction pooler is in front; in
///   transaction-pooler mode every transaction begins with `DEALLOCATE ALL`, so the statements
///   it prepares never meet another client's (see [`neonhub_db::app`]);
/// - [`DatabaseConnection`]: a direct pool (a transaction begins with `BEGIN` alone).
///
/// Not for a transaction: a context lives as long as the transaction that entered it, so
/// entering one inside another's transaction would outlive the call.
pub trait TenantConnection: Sync + private::Sealed {
    /// Begin the transaction a context is entered in.
    fn begin_tenant_transaction(
        &self,
    ) -> impl Future<Output = Result<DatabaseTransaction, DbErr>> + Send;
}

mod private {
    pub trait Sealed {}
    impl Sealed for sea_orm::DatabaseConnection {}
    impl Sealed for neonhub_db::app::AppConnection {}
}

impl TenantConnection for DatabaseConnection {
    fn begin_tenant_transaction(
        &self,
    ) -> impl Future<Output = Result<DatabaseTransaction, DbErr>> + Send {
        self.begin()
    }
}

impl TenantConnection for neonhub_db::app::AppConnection {
    fn begin_tenant_transaction(
        &self,
    ) -> impl Future<Output = Result<DatabaseTransaction, DbErr>> + Send {
        self.begin()
    }
}
