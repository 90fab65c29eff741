//! The entities and the migrated schema agree: every registered entity's table and columns
//! exist with a compatible type and nullability, and no database column is missing from its
//! entity. The registry itself covers every entity SeaORM knows of.

use testkit::TestDb;

#[tokio::test]
async fn entities_and_migrated_schema_agree() {
    let db = TestDb::migrated().await;
    let mismatches = testkit::neonhub_db::agreement::entity_mismatches(&db.catalog().await);
    assert!(
        mismatches.is_empty(),
        "entities and schema disagree:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn registry_lists_every_entity_once() {
    let tables = entity::registry::tables();
    assert_eq!(tables.len(), 51);
    let mut names: Vec<_> = tables.iter().map(|t| t.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 51, "a table is registered twice");
    // SeaORM's own inventory (feature `entity-registry`) sees the same entities.
    let seaorm: Vec<_> = inventory::iter::<sea_orm::EntityRegistry>
        .into_iter()
        .filter(|e| e.module_path.starts_with("entity::"))
        .map(|e| e.module_path.rsplit("::").next().unwrap().to_owned())
        .collect();
    assert_eq!(seaorm.len(), 51, "{seaorm:?}");
    for name in seaorm {
        assert!(
            entity::registry::table(&name).is_some(),
            "{name} is not in the registry"
        );
    }
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
    let found = testkit::neonhub_db::agreement::entity_mismatches(&cat).join("\n");
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
