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
