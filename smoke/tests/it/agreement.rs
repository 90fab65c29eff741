//! The entities and the migrated schema agree: every registered entity's table and columns
//! exist with a compatible type and nullability, and no database column is missing from its
//! entity. (That the registry covers every entity SeaORM knows of is a unit test of
//! `entity::registry`.)

use testkit::TestDb;

#[tokio::test]
async fn entities_and_migrated_schema_agree() {
    let db = TestDb::migrated().await;
    let mismatches = smoke::agreement::entity_mismatches(&db.catalog().await);
    assert!(
        mismatches.is_empty(),
        "entities and schema disagree:\n{}",
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn disagreements_are_reported() {
    use sea_orm::ConnectionTrait;
    let db = TestDb::migrated().await;
    db.conn()
        .execute_unprepared(
            "ALTER TABLE tools DROP CONSTRAINT tools_connector_id_fkey;
             ALTER TABLE brands ALTER COLUMN slogan TYPE varchar(40);
             ALTER TABLE brands ALTER COLUMN description SET NOT NULL;
             ALTER TABLE brands ADD COLUMN stray int;
             ALTER TABLE tasks DROP CONSTRAINT tasks_assignee_id_fkey;
             ALTER TABLE tasks ADD CONSTRAINT tasks_assignee_id_fkey FOREIGN KEY (assignee_id)
                 REFERENCES users(id) ON DELETE CASCADE;
             CREATE TABLE stray_table (id int)",
        )
        .await
        .unwrap();
    let cat = db.catalog().await;
    let found = smoke::agreement::entity_mismatches(&cat).join("\n");
    for needle in [
        "tools.connector_id: entity relation to connectors (ON DELETE SET NULL) has no matching foreign key",
        "brands.slogan: entity type text, database type character varying(40)",
        "brands.description: entity nullable=true, database nullable=false",
        "brands.stray: database column missing from the entity",
        "tasks.assignee_id: entity relation to users (ON DELETE SET NULL) has no matching foreign key",
        "stray_table: table has no entity",
    ] {
        assert!(found.contains(needle), "missing {needle:?} in:\n{found}");
    }
}
