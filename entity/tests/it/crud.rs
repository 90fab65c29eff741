//! Every table takes a row through its entity and gives it back unchanged; embeddings of the
//! wrong dimension are refused; `updated_at` moves on update.

use crate::common;

use entity::prelude::*;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, Set, Statement};
use testkit::TestDb;

#[tokio::test]
async fn one_row_of_every_table_round_trips() {
    let db = TestDb::migrated().await;
    let ids = common::one_of_each(db.conn(), "crud").await;
    // One id per table keyed by a single `id` column (the composite-key tables have none).
    let keyed_by_id = entity::registry::tables()
        .iter()
        .filter(|t| {
            let pk: Vec<_> = t.columns().into_iter().filter(|c| c.primary_key).collect();
            pk.len() == 1 && pk[0].name == "id"
        })
        .count();
    assert_eq!(ids.len(), keyed_by_id);
    for table in entity::registry::tables() {
        let row = db
            .conn()
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT count(*) AS n FROM {}", table.name),
            ))
            .await
            .unwrap()
            .unwrap();
        let n: i64 = row.try_get("", "n").unwrap();
        assert_eq!(n, 1, "{} has one row", table.name);
    }
    // Ids made in Rust are UUIDv7 (time-ordered).
    assert!(ids.values().all(|id| id.get_version_num() == 7));
}

#[tokio::test]
async fn wrong_dimension_is_refused() {
    let err = embedding(vec![0.1; 3]).unwrap_err();
    assert_eq!(err.to_string(), "embedding has 3 dimensions, expected 1536");

    // Past the helper, the database refuses too, and says why.
    let db = TestDb::migrated().await;
    let ids = common::one_of_each(db.conn(), "dim").await;
    let result = messages::ActiveModel {
        conversation_id: Set(ids["conversations"]),
        organization_id: Set(ids["organizations"]),
        role: Set(MessageRole::User),
        content: Set(serde_json::json!({"text": "hi"})),
        embedding: Set(Some(pgvector::Vector::from(vec![0.1; 3]))),
        ..messages::ActiveModel::new()
    }
    .insert(db.conn())
    .await;
    let err = result.unwrap_err().to_string();
    assert!(err.contains("expected 1536 dimensions, not 3"), "{err}");
}

#[tokio::test]
async fn updated_at_trigger_moves_on_update() {
    let db = TestDb::migrated().await;
    let org = organizations::ActiveModel {
        slug: Set("trigger".into()),
        name: Set("Before".into()),
        ..organizations::ActiveModel::new()
    }
    .insert(db.conn())
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mut active: organizations::ActiveModel = org.clone().into();
    active.name = Set("After".into());
    // The ORM sends no updated_at: the database trigger sets it.
    let updated = active.update(db.conn()).await.unwrap();
    assert_eq!(updated.name, "After");
    assert!(
        updated.updated_at > org.updated_at,
        "{:?} !> {:?}",
        updated.updated_at,
        org.updated_at
    );
    assert_eq!(updated.created_at, org.created_at);
    let reread = Organizations::find_by_id(org.id)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reread.updated_at, updated.updated_at);
}
