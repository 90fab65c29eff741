//! `audit_logs` is append-only: inserts work; DELETE, TRUNCATE and UPDATE are rejected, except
//! the ON DELETE SET NULL of a deleted organization or user.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use testkit::TestDb;
use uuid::Uuid;

async fn setup(db: &TestDb) -> (Uuid, Uuid, Uuid) {
    let (org, user, log) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    for sql in [
        format!(
            "INSERT INTO organizations (id, slug, name) VALUES ('{org}', 'audited', 'Audited')"
        ),
        format!("INSERT INTO users (id, email) VALUES ('{user}', 'auditor@example.test')"),
        format!(
            "INSERT INTO audit_logs (id, organization_id, user_id, action, ip)
             VALUES ('{log}', '{org}', '{user}', 'brand.updated', '192.0.2.1')"
        ),
    ] {
        db.conn().execute_unprepared(&sql).await.unwrap();
    }
    (org, user, log)
}

async fn refused(db: &TestDb, sql: &str) {
    let err = db
        .conn()
        .execute_unprepared(sql)
        .await
        .expect_err(sql)
        .to_string();
    assert!(err.contains("audit_logs is append-only"), "{sql}: {err}");
}

#[tokio::test]
async fn delete_truncate_and_updates_are_rejected() {
    let db = TestDb::migrated().await;
    let (_, _, log) = setup(&db).await;
    refused(&db, &format!("DELETE FROM audit_logs WHERE id = '{log}'")).await;
    refused(&db, "TRUNCATE audit_logs").await;
    refused(
        &db,
        &format!("UPDATE audit_logs SET action = 'forged' WHERE id = '{log}'"),
    )
    .await;
    // Clearing a reference by hand, while the user still exists, is not the SET NULL action.
    refused(
        &db,
        &format!("UPDATE audit_logs SET user_id = NULL WHERE id = '{log}'"),
    )
    .await;
    refused(
        &db,
        &format!("UPDATE audit_logs SET organization_id = NULL, action = 'x' WHERE id = '{log}'"),
    )
    .await;
}

#[tokio::test]
async fn deleting_the_user_or_organization_sets_null_and_keeps_the_row() {
    let db = TestDb::migrated().await;
    let (org, user, log) = setup(&db).await;
    db.conn()
        .execute_unprepared(&format!("DELETE FROM users WHERE id = '{user}'"))
        .await
        .unwrap();
    db.conn()
        .execute_unprepared(&format!("DELETE FROM organizations WHERE id = '{org}'"))
        .await
        .unwrap();
    let row = db
        .conn()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT organization_id IS NULL AND user_id IS NULL AND action = 'brand.updated' FROM audit_logs WHERE id = '{log}'"),
        ))
        .await
        .unwrap()
        .expect("the audit row is kept");
    assert!(row.try_get_by_index::<bool>(0).unwrap());
}
