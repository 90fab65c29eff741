//! Do the entities and the live schema agree? Used by the tests and by `doctor`.

use crate::catalog::Catalog;
use entity::registry;

/// Every disagreement between the entity registry and `catalog`, one sentence each; empty when
/// every registered table exists with every column at a matching type and nullability, and no
/// database column (nor table of the schema) is missing from the entities.
pub fn entity_mismatches(catalog: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    for table in registry::tables() {
        if table.entity_table_name() != table.name {
            out.push(format!(
                "{}: entity declares table_name {}",
                table.name,
                table.entity_table_name()
            ));
        }
        let Some(live) = catalog.tables.get(table.name) else {
            out.push(format!("{}: table missing from the database", table.name));
            continue;
        };
        let columns = table.columns();
        for col in &columns {
            match live.columns.iter().find(|c| c.name == col.name) {
                None => out.push(format!(
                    "{}.{}: column missing from the database",
                    table.name, col.name
                )),
                Some(db) => {
                    if db.data_type != col.pg_type {
                        out.push(format!(
                            "{}.{}: entity type {}, database type {}",
                            table.name, col.name, col.pg_type, db.data_type
                        ));
                    }
                    if db.not_null == col.nullable {
                        out.push(format!(
                            "{}.{}: entity nullable={}, database nullable={}",
                            table.name, col.name, col.nullable, !db.not_null
                        ));
                    }
                }
            }
        }
        for db in &live.columns {
            if !columns.iter().any(|c| c.name == db.name) {
                out.push(format!(
                    "{}.{}: database column missing from the entity",
                    table.name, db.name
                ));
            }
        }
    }
    for (name, _) in catalog.schema_tables() {
        if registry::table(name).is_none() {
            out.push(format!("{name}: table has no entity"));
        }
    }
    out
}
