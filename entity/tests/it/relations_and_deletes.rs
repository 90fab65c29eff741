//! Relations work both ways, and ON DELETE rules behave as the schema states: deleting an
//! organization or a user removes its CASCADE children and clears its SET NULL references.

use crate::common;

use entity::prelude::*;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, JoinType, ModelTrait, QueryFilter,
    QuerySelect, RelationTrait, Statement,
};
use testkit::TestDb;
use uuid::Uuid;

#[tokio::test]
async fn find_related_works_both_ways() {
    let db = TestDb::migrated().await;
    let conn = db.conn();
    let ids = common::one_of_each(conn, "rel").await;

    let org = Organizations::find_by_id(ids["organizations"])
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let brands = org.find_related(Brands).all(conn).await.unwrap();
    assert_eq!(brands.len(), 1);
    let back = brands[0]
        .find_related(Organizations)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.id, org.id);

    let chunk = Chunks::find_by_id(ids["chunks"])
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let document = chunk
        .find_related(Documents)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(document.id, ids["documents"]);
    assert_eq!(
        document.find_related(Chunks).all(conn).await.unwrap().len(),
        1
    );

    // A child with two foreign keys to the same parent: each relation is named and usable.
    let inviter = Users::find()
        .join(
            JoinType::InnerJoin,
            users::Relation::OrganizationMembersAsInvitedBy.def(),
        )
        .filter(organization_members::Column::Id.eq(ids["organization_members"]))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(inviter.id, user_id(&ids));
    let member_of = OrganizationMembers::find()
        .join(
            JoinType::InnerJoin,
            organization_members::Relation::User.def(),
        )
        .filter(users::Column::Id.eq(user_id(&ids)))
        .all(conn)
        .await
        .unwrap();
    assert_eq!(member_of.len(), 1);

    // SeaORM 2's loader follows has_many fields in one call.
    let loaded = Organizations::load()
        .filter(organizations::Column::Id.eq(org.id))
        .with(Brands)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.brands.len(), 1);
}

fn user_id(ids: &common::Ids) -> Uuid {
    ids["users"]
}

/// (table, column, rule) of every foreign key to `target`, read from the catalog.
async fn references_to(db: &TestDb, target: &str) -> Vec<(String, String, String)> {
    db.catalog()
        .await
        .foreign_keys
        .into_iter()
        .filter(|fk| fk.references == target)
        .map(|fk| (fk.table, fk.columns[0].clone(), fk.on_delete))
        .collect()
}

async fn count(db: &TestDb, sql: String, id: Uuid) -> i64 {
    db.conn()
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [id.into()],
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap()
}

/// Delete the row `ids[target]` and check every reference to it obeyed its ON DELETE rule.
async fn check_delete(target: &'static str) {
    let db = TestDb::migrated().await;
    let ids = common::one_of_each(db.conn(), "del").await;
    let id = ids[target];
    let refs = references_to(&db, target).await;
    assert!(refs.len() >= 5, "{target} is referenced by {refs:?}");
    db.conn()
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("DELETE FROM {target} WHERE id = $1"),
            [id.into()],
        ))
        .await
        .unwrap();
    let cascades: Vec<String> = refs
        .iter()
        .filter(|(_, _, rule)| rule == "CASCADE")
        .map(|(table, _, _)| table.clone())
        .collect();
    for (table, column, rule) in refs {
        let still = count(
            &db,
            format!("SELECT count(*) AS n FROM {table} WHERE {column} = $1"),
            id,
        )
        .await;
        assert_eq!(
            still, 0,
            "{table}.{column} still points at the deleted {target}"
        );
        if rule == "SET NULL" {
            // The row survives with NULL, unless another of its columns cascades from the
            // same row (organization_members.user_id next to invited_by_id).
            if let Some(row_id) = ids
                .get(table.as_str())
                .filter(|_| !cascades.contains(&table))
            {
                let kept = count(
                    &db,
                    format!("SELECT count(*) AS n FROM {table} WHERE id = $1 AND {column} IS NULL"),
                    *row_id,
                )
                .await;
                assert_eq!(kept, 1, "{table}.{column} should be set to NULL, row kept");
            }
        } else {
            assert_eq!(rule, "CASCADE", "{table}.{column}");
        }
    }
}

#[tokio::test]
async fn deleting_an_organization_cascades_and_sets_null() {
    check_delete("organizations").await;
}

#[tokio::test]
async fn deleting_a_user_cascades_and_sets_null() {
    check_delete("users").await;
}
