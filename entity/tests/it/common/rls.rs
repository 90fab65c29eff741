//! Row-level security helpers shared by the tenant tests: statements as the application role,
//! the tables enumerated from the catalog, and the fixture row of a table.

use super::Ids;
use entity::tenant::{Tenant, set_local};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement,
    TransactionTrait, Value,
};
use testkit::TestDb;

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

/// Run `sql` in a transaction of its own as `tenant` on `app`, rolled back at the end: the
/// rows it affected, or the error's text.
pub async fn attempt(
    app: &DatabaseConnection,
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

/// A transaction on `app` with `tenant` set.
pub async fn as_tenant(app: &DatabaseConnection, tenant: &Tenant) -> DatabaseTransaction {
    let txn = app.begin().await.unwrap();
    set_local(&txn, tenant).await.unwrap();
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
