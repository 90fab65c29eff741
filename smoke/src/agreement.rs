//! Do the entities and the live schema agree? Used by the tests and by `doctor`.

use entity::registry;
use neonhub_db::catalog::{self, Catalog};

/// Every disagreement between the entity registry and `catalog`, one sentence each; empty when
/// every registered table exists with every column at a matching type and nullability, every
/// `belongs_to` relation has its foreign key (same ON DELETE rule) and every foreign key its
/// relation, and no database column (nor table of the schema) is missing from the entities.
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
        foreign_key_mismatches(catalog, table, &mut out);
    }
    for (name, _) in catalog.schema_tables() {
        if registry::table(name).is_none() {
            out.push(format!("{name}: table has no entity"));
        }
    }
    out
}

/// Entity `belongs_to` relations against the live foreign keys of `table`, both ways.
fn foreign_key_mismatches(catalog: &Catalog, table: &registry::TableInfo, out: &mut Vec<String>) {
    let entity_fks = table.foreign_keys();
    let live_fks: Vec<_> = catalog
        .foreign_keys
        .iter()
        .filter(|fk| fk.table == table.name)
        .collect();
    for fk in &entity_fks {
        let found = live_fks.iter().any(|l| {
            keys_column(l, &fk.column)
                && l.references == fk.references
                && fk
                    .on_delete
                    .as_deref()
                    .is_none_or(|rule| rule == l.on_delete)
        });
        if !found {
            out.push(format!(
                "{}.{}: entity relation to {} (ON DELETE {}) has no matching foreign key",
                table.name,
                fk.column,
                fk.references,
                fk.on_delete.as_deref().unwrap_or("unspecified")
            ));
        }
    }
    for l in &live_fks {
        let declared = entity_fks
            .iter()
            .any(|fk| keys_column(l, &fk.column) && l.references == fk.references);
        if !declared {
            out.push(format!(
                "{}: foreign key {} ({}) has no belongs_to relation in the entity",
                table.name,
                l.name,
                l.columns.join(", ")
            ));
        }
    }
}

/// Whether the live foreign key `l` is the relation on `column`: `(column)`, or tenant-scoped
/// `(column, organization_id)` / `(column, user_id)`, which joins the same rows (the parent's
/// `id` is unique) and also proves that both rows belong to one tenant.
fn keys_column(l: &catalog::ForeignKey, column: &str) -> bool {
    match l.columns.as_slice() {
        [only] => only == column,
        [first, tenant] => first == column && catalog::TENANT_COLUMNS.contains(&tenant.as_str()),
        _ => false,
    }
}
