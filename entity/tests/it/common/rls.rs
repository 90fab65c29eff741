//! Row-level security helpers shared by the tenant tests: statements as the application role,
//! the tables enumerated from the catalog, and the fixture row of a table.

use super::Ids;
use entity::tenant::{Tenant, enter};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, Statement, TransactionTrait, Value,
};
use testkit::{AppLogin, TestDb};
use uuid::Uuid;

/// The first column of the one row `sql` returns, as an integer.
pub async fn count(c: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> i64 {
    c.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .await
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
    .unwrap()
    .try_get_by_index(0)
    .unwrap()
}

/// Run `sql` in a transaction of its own as `tenant` on `app`'s connection, rolled back at the end: the
/// rows it affected, or the error's text.
pub async fn attempt(
    app: &AppLogin,
    tenant: &Tenant,
    sql: &str,
    values: Vec<Value>,
) -> Result<u64, String> {
    let txn = as_tenant(app, tenant).await;
    let result = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await
        .map(|r| r.rows_affected())
        .map_err(|e| e.to_string());
    txn.rollback().await.unwrap();
    result
}

/// A transaction on `app` in `tenant`, entered with a ticket signed by the test's key.
pub async fn as_tenant(app: &AppLogin, tenant: &Tenant) -> DatabaseTransaction {
    let txn = app.conn.begin().await.unwrap();
    enter(&txn, &app.ticket(*tenant)).await.unwrap();
    txn
}

/// Every table with row-level security, from the catalog.
pub async fn rls_tables(db: &TestDb) -> Vec<String> {
    db.catalog()
        .await
        .schema_tables()
        .filter(|(_, t)| t.row_security)
        .map(|(n, _)| n.clone())
        .collect()
}

/// The condition selecting the fixture row of `ids` in `table`, and its value.
pub fn row_of(table: &str, ids: &Ids) -> (String, Value) {
    if table == "role_permissions" {
        ("role_id = $1".into(), ids["organization_roles"].into())
    } else {
        ("id = $1".into(), ids[table].into())
    }
}

/// The fixture row of `ids` in `table` as JSON, read as the owner.
pub async fn row_json(db: &TestDb, table: &str, ids: &Ids) -> serde_json::Value {
    let (cond, val) = row_of(table, ids);
    db.conn()
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT to_jsonb(t) FROM {table} t WHERE {cond} LIMIT 1"),
            [val],
        ))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{table}: no fixture row"))
        .try_get_by_index(0)
        .unwrap()
}

/// `INSERT INTO table` of the JSON row `$1`.
pub fn insert_json(table: &str) -> String {
    format!("INSERT INTO {table} SELECT * FROM jsonb_populate_record(NULL::{table}, $1)")
}

/// Give the copy of a fixture row new values in the columns of its unique keys (other than the
/// key column under attack and the tenant columns), so that it can only collide with rows of
/// the parent it names, never with A's own row.
pub fn fresh_natural_keys(
    catalog: &testkit::neonhub_db::catalog::Catalog,
    table: &str,
    attacked: &str,
    row: &mut serde_json::Value,
) {
    let unique = catalog
        .index_keys
        .iter()
        .filter(|(t, name, _)| t == table && name.ends_with("_key"));
    for (_, _, keys) in unique {
        for key in keys {
            if key == attacked || key == "organization_id" || key == "user_id" {
                continue;
            }
            let value = &mut row[key.as_str()];
            if let Some(text) = value.as_str().filter(|t| Uuid::parse_str(t).is_err()) {
                *value = serde_json::json!(format!("{text}-copy"));
            } else if let Some(n) = value.as_i64() {
                *value = serde_json::json!(n + 1000);
            }
        }
    }
}

/// Two tenants, `a` and `b`, with one row of every table each, and an application login: the
/// world of the attack tests.
pub struct TwoTenants {
    /// The test's database (its connection is the owner's).
    pub db: TestDb,
    /// Tenant A's fixture rows, by table.
    pub a: Ids,
    /// Tenant B's fixture rows, by table.
    pub b: Ids,
    /// The application login (row-level security applies).
    pub app: AppLogin,
}

impl TwoTenants {
    /// A fresh database with both tenants' fixtures and an application login.
    pub async fn new() -> Self {
        let db = TestDb::migrated().await;
        let a = super::one_of_each(db.conn(), "a").await;
        let b = super::one_of_each(db.conn(), "b").await;
        let app = AppLogin::new(&db).await;
        Self { db, a, b, app }
    }

    /// A's organization, acting as A's user (who manages A).
    pub fn tenant_a(&self) -> Tenant {
        Tenant::new(self.a["organizations"]).acting_as(self.a["users"])
    }

    /// Run `sql` as the owner; panics with the statement when it fails.
    pub async fn owner(&self, sql: &str, values: Vec<Value>) {
        self.db
            .conn()
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                values,
            ))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}
