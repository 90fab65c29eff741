//! The tenant-key migrations (m20261203_000100 to 000600) on a database that already holds
//! data: every child row gets its parent's tenant (over several backfill batches), a run
//! interrupted half way resumes, rows written by an older application version in between are
//! filled by the trigger, and the result is the expected schema with every key validated.

use migration::{Migrator, MigratorTrait};
use sea_orm_migration::sea_orm::ConnectionTrait;
use testkit::TestDb;

const FIRST: &str = "m20261203_000100_tenant_write_rules";

/// Apply the next `n` migrations.
async fn up(db: &TestDb, n: u32) {
    Migrator::up(db.conn(), Some(n)).await.expect("up");
}

#[tokio::test]
async fn existing_rows_get_their_tenant_and_the_keys_validate() {
    let db = TestDb::migrated_until(FIRST).await;
    // The data of two organizations as the schema held it before: children without a tenant.
    db.conn()
        .execute_unprepared(
            "INSERT INTO organizations (slug, name) VALUES ('a', 'A'), ('b', 'B');
             INSERT INTO users (email) VALUES ('owner@example.test');
             INSERT INTO campaigns (organization_id, owner_id, name, type)
                  SELECT o.id, u.id, 'c', 'email' FROM organizations o, users u;
             INSERT INTO campaign_metrics (campaign_id, kind, value)
                  SELECT c.id, 'clicks', g FROM campaigns c, generate_series(1, 6000) g;
             INSERT INTO organization_roles (organization_id, slug, name)
                  SELECT id, 'owner', 'Owner' FROM organizations;
             INSERT INTO organization_permissions (organization_id, key)
                  SELECT id, 'workspace:manage' FROM organizations;
             INSERT INTO role_permissions (role_id, permission_id)
                  SELECT r.id, p.id FROM organization_roles r
                    JOIN organization_permissions p USING (organization_id);",
        )
        .await
        .unwrap();
    // 000100 and 000200: the columns exist, nullable, and nothing is filled yet.
    up(&db, 2).await;
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM campaign_metrics WHERE organization_id IS NULL"
        )
        .await,
        12_000
    );
    // An older application version writes a child without the column: the trigger fills it.
    db.conn()
        .execute_unprepared(
            "INSERT INTO campaign_metrics (campaign_id, kind) SELECT id, 'legacy' FROM campaigns",
        )
        .await
        .unwrap();
    assert_eq!(
        testkit::int(db.conn(), "SELECT count(*) FROM campaign_metrics WHERE kind = 'legacy' AND organization_id IS NOT NULL"
        )
        .await,
        2
    );
    // An interrupted backfill: part of the rows filled (as a crash between batches leaves them).
    db.conn()
        .execute_unprepared(
            "UPDATE campaign_metrics m SET organization_id = c.organization_id FROM campaigns c
              WHERE c.id = m.campaign_id AND m.id IN (SELECT id FROM campaign_metrics ORDER BY id LIMIT 3000)",
        )
        .await
        .unwrap();
    // The rest of the migrations: backfill (3 batches at least), indexes, keys, validation.
    Migrator::up(db.conn(), None).await.expect("up");
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM campaign_metrics m JOIN campaigns c ON c.id = m.campaign_id
              WHERE m.organization_id IS DISTINCT FROM c.organization_id"
        )
        .await,
        0,
        "every metric carries its campaign's organization"
    );
    assert_eq!(
        testkit::int(db.conn(), "SELECT count(*) FROM role_permissions rp JOIN organization_roles r ON r.id = rp.role_id
              WHERE rp.organization_id IS DISTINCT FROM r.organization_id"
        )
        .await,
        0
    );
    assert_eq!(
        testkit::int(db.conn(), "SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND NOT convalidated"
        )
        .await,
        0,
        "every constraint validated"
    );
    assert_eq!(
        testkit::int(db.conn(), "SELECT count(*) FROM pg_index WHERE indrelid::regclass::text NOT LIKE 'seaql%' AND NOT indisvalid"
        )
        .await,
        0,
        "no invalid index"
    );
    let catalog = db.catalog().await.render();
    assert_eq!(
        catalog,
        migration::EXPECTED_SCHEMA,
        "the schema of a fresh database"
    );
}
