//! `add_connector_kind_enum` converts `connectors.category` from text to `connector_kind`,
//! refuses (changing nothing) when a category is not an enum member, and converts back on down.

use migration::{Migrator, MigratorTrait};
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use testkit::TestDb;

const NAME: &str = "m20261125_001400_add_connector_kind_enum";

async fn insert_connector(conn: &DatabaseConnection, name: &str, category: &str) {
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO connectors (name, display_name, description, category, auth_type, auth_config, triggers, actions)
         VALUES ($1, $1, 'test', $2, 'oauth2', '{}', '[]', '[]')",
        [name.into(), category.into()],
    ))
    .await
    .expect("insert connector");
}

async fn categories(conn: &DatabaseConnection) -> Vec<(String, String, String)> {
    conn.query_all_raw(Statement::from_string(
        DbBackend::Postgres,
        "SELECT name, category::text AS category, pg_typeof(category)::text AS ty FROM connectors ORDER BY name",
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.try_get("", "name").unwrap(),
            r.try_get("", "category").unwrap(),
            r.try_get("", "ty").unwrap(),
        )
    })
    .collect()
}

#[tokio::test]
async fn valid_categories_survive_up_and_down() {
    let db = TestDb::migrated_until(NAME).await;
    let conn = db.conn();
    insert_connector(conn, "gmail", "EMAIL").await;
    insert_connector(conn, "x", "X").await;
    insert_connector(conn, "ads", "GOOGLE_ADS").await;

    Migrator::up(conn, Some(1))
        .await
        .expect("connector-kind up");
    let after_up = categories(conn).await;
    assert_eq!(
        after_up,
        [
            ("ads".into(), "GOOGLE_ADS".into(), "connector_kind".into()),
            ("gmail".into(), "EMAIL".into(), "connector_kind".into()),
            ("x".into(), "X".into(), "connector_kind".into()),
        ]
    );

    Migrator::down(conn, Some(1))
        .await
        .expect("connector-kind down");
    let after_down = categories(conn).await;
    assert!(
        after_down.iter().all(|(_, _, ty)| ty == "text"),
        "{after_down:?}"
    );
    let values: Vec<_> = after_down
        .iter()
        .map(|(n, c, _)| (n.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        values,
        [("ads", "GOOGLE_ADS"), ("gmail", "EMAIL"), ("x", "X")]
    );
}

#[tokio::test]
async fn unknown_category_fails_with_its_name_and_changes_nothing() {
    let db = TestDb::migrated_until(NAME).await;
    let conn = db.conn();
    insert_connector(conn, "gmail", "EMAIL").await;
    insert_connector(conn, "pager", "PAGER").await;
    insert_connector(conn, "fax", "fax").await;

    let err = Migrator::up(conn, Some(1))
        .await
        .expect_err("must refuse")
        .to_string();
    assert!(err.contains("\"PAGER\" (1 rows)"), "{err}");
    assert!(err.contains("\"fax\" (1 rows)"), "{err}");
    assert!(err.contains("no data was changed"), "{err}");

    let rows = categories(conn).await;
    assert_eq!(
        rows,
        [
            ("fax".into(), "fax".into(), "text".into()),
            ("gmail".into(), "EMAIL".into(), "text".into()),
            ("pager".into(), "PAGER".into(), "text".into()),
        ]
    );
    let cat = db.catalog().await;
    assert!(
        !cat.enums.contains_key("connector_kind"),
        "the type must not be left behind"
    );
    let applied = Migrator::get_applied_migrations(conn).await.unwrap();
    assert!(
        applied.iter().all(|m| m.name() != NAME),
        "must not be recorded as applied"
    );
}
