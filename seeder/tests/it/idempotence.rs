//! Seeding twice leaves every table exactly as one seed did (row for row, timestamps included)
//! and the second run reports 0 created; a dry run writes nothing; rows that drifted from their
//! fixture are brought back, and only then is an audit entry added.

use crate::common;

use entity::prelude::*;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use seeder::{SeedOptions, seed};
use testkit::TestDb;

#[tokio::test]
async fn second_seed_changes_nothing() {
    let db = TestDb::migrated().await;
    let conn = db.conn();
    let first = seed(conn, &SeedOptions::default()).await.unwrap();
    assert!(first.created > 0);
    let after_first = common::snapshot(conn).await;

    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let second = seed(conn, &SeedOptions::default()).await.unwrap();
    assert_eq!((second.created, second.updated), (0, 0), "{second:?}");
    assert_eq!(second.unchanged, first.created);
    assert_eq!(
        second.summary(),
        format!("0 created, 0 updated, {} unchanged", first.created)
    );
    for (a, b) in first.tables.iter().zip(&second.tables) {
        assert_eq!(
            (a.table.as_str(), a.created),
            (b.table.as_str(), b.unchanged)
        );
    }
    assert_eq!(common::snapshot(conn).await, after_first, "no row changed");
}

#[tokio::test]
async fn dry_run_reports_and_writes_nothing() {
    let db = TestDb::migrated().await;
    let conn = db.conn();
    let empty = common::snapshot(conn).await;
    let dry = seed(
        conn,
        &SeedOptions {
            dry_run: true,
            ..SeedOptions::default()
        },
    )
    .await
    .unwrap();
    assert!(dry.dry_run);
    assert_eq!(common::snapshot(conn).await, empty, "dry run wrote nothing");
    let real = seed(conn, &SeedOptions::default()).await.unwrap();
    assert_eq!(
        (dry.created, &dry.tables),
        (real.created, &real.tables),
        "the dry run predicted the real run"
    );
}

#[tokio::test]
async fn drifted_rows_are_repaired_and_audited_once() {
    let db = TestDb::migrated().await;
    let conn = db.conn();
    seed(conn, &SeedOptions::default()).await.unwrap();
    let clean = common::snapshot(conn).await;

    conn.execute_unprepared(
        "UPDATE connectors SET description = 'edited by hand' WHERE name = 'x';
         DELETE FROM messages WHERE role = 'tool';",
    )
    .await
    .unwrap();
    let repair = seed(conn, &SeedOptions::default()).await.unwrap();
    assert_eq!(repair.table("connectors").unwrap().updated, 1);
    assert_eq!(repair.table("messages").unwrap().created, 1);
    assert_eq!(repair.table("audit_logs").unwrap().created, 1);
    assert_eq!((repair.created, repair.updated), (2, 1));

    let after = common::snapshot(conn).await;
    for (table, state) in &clean {
        match *table {
            // The repaired connector has a new updated_at; the audit trail grew.
            "connectors" | "audit_logs" => {}
            _ => assert_eq!(&after[table], state, "{table} untouched"),
        }
    }
    assert_eq!(after["connectors"].0, clean["connectors"].0);
    let x = Connectors::find()
        .filter(connectors::Column::Name.eq("x"))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(x.description, "edited by hand");
    let actions: Vec<String> = AuditLogs::find()
        .order_by_asc(audit_logs::Column::CreatedAt)
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        ["seed.fixtures_installed", "seed.fixtures_updated"]
    );

    // Repaired: the next run is a no-op again.
    let settled = common::snapshot(conn).await;
    let again = seed(conn, &SeedOptions::default()).await.unwrap();
    assert_eq!((again.created, again.updated), (0, 0));
    assert_eq!(common::snapshot(conn).await, settled);
}

#[tokio::test]
async fn existing_rows_under_other_ids_are_reused() {
    // A user who signed up before the seed (other id, other case) and an organization created
    // by hand: the fixtures attach to them instead of failing or duplicating.
    let db = TestDb::migrated().await;
    let conn = db.conn();
    conn.execute_unprepared(
        "INSERT INTO users (email, name) VALUES ('Admin@NeonHub.AI', 'Signed up');
         INSERT INTO organizations (slug, name) VALUES ('neonhub', 'Hand-made');",
    )
    .await
    .unwrap();
    let report = seed(conn, &SeedOptions::default()).await.unwrap();
    assert_eq!(report.table("users").unwrap().updated, 1);
    assert_eq!(report.table("organizations").unwrap().updated, 1);
    assert_eq!(Users::find().count(conn).await.unwrap(), 2);
    let org = Organizations::find().one(conn).await.unwrap().unwrap();
    assert_eq!(org.name, "NeonHub");
    let agents = Agents::find()
        .filter(agents::Column::OrganizationId.eq(org.id))
        .count(conn)
        .await
        .unwrap();
    assert_eq!(agents, 3);
    let again = seed(conn, &SeedOptions::default()).await.unwrap();
    assert_eq!((again.created, again.updated), (0, 0));
}
