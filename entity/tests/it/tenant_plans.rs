//! Isolation that costs little: every tenant table has an index leading with its tenant column
//! (derived from the policies in the catalog), and the application role's tenant-wide reads and
//! ordered listings use it instead of walking every tenant's rows.

#[allow(dead_code)] // the fixtures of `common` serve other test files
use crate::common;

use common::rls::{as_tenant, count};
use entity::tenant::Tenant;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use testkit::{AppLogin, TestDb};
use uuid::Uuid;

#[tokio::test]
async fn every_tenant_table_has_an_index_leading_with_its_tenant_column() {
    let db = TestDb::migrated().await;
    let catalog = db.catalog().await;
    let mut checked = 0;
    for (table, t) in catalog.schema_tables().filter(|(_, t)| t.row_security) {
        for (column, function) in [
            (
                "organization_id",
                "( SELECT app_current_org_id() AS app_current_org_id)",
            ),
            (
                "user_id",
                "( SELECT app_current_user_id() AS app_current_user_id)",
            ),
        ] {
            let equality = format!("({column} = {function})");
            if !t.policies.values().any(|p| p.contains(&equality)) {
                continue;
            }
            let leading = catalog.index_keys.iter().any(|(tb, _, keys)| {
                tb == table && keys.first().map(String::as_str) == Some(column)
            });
            assert!(leading, "{table}: no index leads with {column}");
            checked += 1;
        }
    }
    assert!(checked >= 45, "only {checked} tenant tables");
}

/// The plan of `sql` as the application role acting for `org`.
async fn plan(app: &AppLogin, org: Uuid, sql: &str) -> String {
    let txn = as_tenant(app, &Tenant::new(org)).await;
    let rows = txn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("EXPLAIN (COSTS OFF) {sql}"),
        ))
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn tenant_reads_use_the_tenant_indexes() {
    let db = TestDb::migrated().await;
    // 12 organizations, each with a campaign, 500 conversations, 2,000 metrics and messages.
    db.conn()
        .execute_unprepared(
            "INSERT INTO organizations (slug, name) SELECT 'org-' || g, 'Org ' || g FROM generate_series(1, 12) g;
             INSERT INTO users (email) VALUES ('plans@example.test');
             INSERT INTO campaigns (organization_id, owner_id, name, type)
                  SELECT o.id, u.id, 'c', 'email' FROM organizations o, users u;
             INSERT INTO conversations (organization_id, title, created_by_id)
                  SELECT o.id, 't', u.id FROM organizations o, users u, generate_series(1, 500) g;
             INSERT INTO campaign_metrics (campaign_id, organization_id, kind, value)
                  SELECT c.id, c.organization_id, 'clicks', g
                    FROM campaigns c, generate_series(1, 2000) g;
             INSERT INTO messages (conversation_id, organization_id, role, content)
                  SELECT c.id, c.organization_id, 'user', jsonb_build_object('text', 'hi')
                    FROM conversations c, generate_series(1, 4) g",
        )
        .await
        .unwrap();
    db.conn()
        .execute_unprepared("VACUUM ANALYZE campaign_metrics, messages, conversations, campaigns")
        .await
        .unwrap();
    let org: Uuid = db
        .conn()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id FROM organizations ORDER BY slug LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    let app = AppLogin::new(&db).await;
    for (sql, index) in [
        (
            "SELECT id FROM conversations ORDER BY id LIMIT 20",
            "conversations_organization_id_id_key",
        ),
        (
            "SELECT id FROM messages ORDER BY id DESC LIMIT 20",
            "messages_organization_id_id_key",
        ),
        (
            "SELECT count(*) FROM campaign_metrics",
            "campaign_metrics_organization_id_id_key",
        ),
    ] {
        let p = plan(&app, org, sql).await;
        assert!(p.contains(index), "{sql}:\n{p}");
        assert!(!p.contains("Seq Scan"), "{sql}:\n{p}");
        assert!(!p.contains("SubPlan"), "{sql}: a per-row subquery\n{p}");
    }
    let txn = as_tenant(&app, &Tenant::new(org)).await;
    assert_eq!(
        count(&txn, "SELECT count(*) FROM campaign_metrics", vec![]).await,
        2000
    );
    txn.rollback().await.unwrap();
    app.drop_role().await;
}
