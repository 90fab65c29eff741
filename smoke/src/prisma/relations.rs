//! Relations from the foreign keys: the field on the referencing model (named after its key
//! column, `created_by_id` → `createdBy`), the one on the referenced model (the referencing
//! table's name, `messages`; `<table>As<Field>` when one table references another twice; the
//! singular model when the key is unique: one-to-one), a relation name where a pair of models has
//! more than one, and the `onDelete` Prisma can say.

use super::names::{Names, camel};
use super::snapshot::{ForeignKey, Snapshot, Table};
use std::collections::BTreeMap;

/// The relation a foreign key makes: the field on the referencing model and the one on the
/// referenced model.
pub(super) struct Relation<'a> {
    pub(super) fk: &'a ForeignKey,
    pub(super) child: &'a Table,
    pub(super) field: String,
    pub(super) back: String,
    pub(super) optional: bool,
    pub(super) one_to_one: bool,
    pub(super) name: Option<String>,
}

pub(super) fn relations<'a>(snapshot: &'a Snapshot, names: &Names) -> Vec<Relation<'a>> {
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    for t in snapshot.tables.values() {
        for fk in &t.foreign_keys {
            let key = if t.name <= fk.references {
                (t.name.clone(), fk.references.clone())
            } else {
                (fk.references.clone(), t.name.clone())
            };
            *pairs.entry(key).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for child in snapshot.tables.values() {
        for fk in &child.foreign_keys {
            if !snapshot.tables.contains_key(&fk.references) {
                continue;
            }
            let lead = &fk.columns[0];
            let field = camel(lead.strip_suffix("_id").unwrap_or(lead));
            let key = if child.name <= fk.references {
                (child.name.clone(), fk.references.clone())
            } else {
                (fk.references.clone(), child.name.clone())
            };
            let ambiguous = pairs.get(&key).copied().unwrap_or(0) > 1;
            let same_pair = child
                .foreign_keys
                .iter()
                .filter(|f| f.references == fk.references)
                .count();
            let one_to_one = child.is_unique_key(&fk.columns);
            let back = if same_pair > 1 || child.name == fk.references {
                format!("{}As{}", camel(&child.name), pascal_of_camel(&field))
            } else if one_to_one {
                camel_of_pascal(&names.model(&child.name))
            } else {
                camel(&child.name)
            };
            out.push(Relation {
                fk,
                child,
                field,
                back,
                optional: fk
                    .columns
                    .iter()
                    .any(|c| child.column(c).is_some_and(|col| !col.not_null)),
                one_to_one,
                name: ambiguous.then(|| fk.name.clone()),
            });
        }
    }
    out
}

fn pascal_of_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn camel_of_pascal(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// `onDelete` of a relation: the database's action, when Prisma can say it.
pub(super) fn on_delete(fk: &ForeignKey, child: &Table) -> Result<&'static str, String> {
    match fk.on_delete.as_str() {
        "CASCADE" => Ok("Cascade"),
        "RESTRICT" => Ok("Restrict"),
        "NO ACTION" => Ok("NoAction"),
        "SET DEFAULT" => Ok("SetDefault"),
        "SET NULL"
            if fk
                .columns
                .iter()
                .all(|c| child.column(c).is_some_and(|col| !col.not_null)) =>
        {
            Ok("SetNull")
        }
        other => Err(format!("ON DELETE {other} in the database")),
    }
}
