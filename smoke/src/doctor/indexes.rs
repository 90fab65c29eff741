//! The index checks: every vector column's HNSW index, the expected indexes, indexed foreign
//! keys, and the tenant vector indexes the maintenance policy wants.

use super::{Check, Status};
use entity::registry;
use entity::search::tenant_index::{self, TenantIndexPolicy};
use migration::EXPECTED_SCHEMA;
use neonhub_db::catalog::Catalog;
use sea_orm::DatabaseConnection;

pub(super) fn indexes(catalog: &Catalog) -> Check {
    let mut problems = Vec::new();
    // An HNSW cosine index on every vector column the entities declare.
    let mut hnsw = 0;
    for table in registry::tables() {
        for col in table
            .columns()
            .iter()
            .filter(|c| c.pg_type.starts_with("vector"))
        {
            let found = catalog.tables.get(table.name).is_some_and(|t| {
                t.indexes.values().any(|d| {
                    d.starts_with("hnsw")
                        && d.contains(&format!("({} vector_cosine_ops)", col.name))
                })
            });
            if found {
                hnsw += 1;
            } else {
                problems.push(format!(
                    "no HNSW (vector_cosine_ops) index on {}.{}",
                    table.name, col.name
                ));
            }
        }
    }
    // The composite and unique indexes this build expects.
    let live = catalog.render();
    let expected: Vec<&str> = EXPECTED_SCHEMA
        .lines()
        .filter(|l| l.starts_with("  index "))
        .collect();
    for line in &expected {
        if !live.lines().any(|l| l == *line) {
            problems.push(format!("missing or different: `{}`", line.trim()));
        }
    }
    for fk in catalog.unindexed_foreign_keys() {
        problems.push(format!(
            "foreign key {} ({}) has no index leading with it",
            fk.name,
            fk.columns.join(", ")
        ));
    }
    if problems.is_empty() {
        Check::new(
            "Indexes",
            Status::Pass,
            format!(
                "{hnsw} HNSW vector indexes, {} expected indexes present, all {} foreign keys indexed",
                expected.len(),
                catalog.foreign_keys.len()
            ),
        )
    } else {
        Check::new(
            "Indexes",
            Status::Fail,
            format!("{} problems", problems.len()),
        )
        .with_details(problems)
    }
}

/// The tenant HNSW indexes: how many, and whether `vector-maintain` has work to do (a
/// warning, not a failure: searches stay correct, large tenants just lose recall or speed).
pub(super) async fn tenant_vector_indexes(
    db: &DatabaseConnection,
    present: &[(String, String, String)],
) -> Check {
    let name = "Tenant vector indexes";
    let plan = match maintain::plan(db, &TenantIndexPolicy::default()).await {
        Ok(plan) => plan,
        Err(err) => return Check::new(name, Status::Warn, format!("cannot plan: {err}")),
    };
    let mut per_table: Vec<String> = tenant_index::tables()
        .iter()
        .map(|table| {
            let n = present.iter().filter(|(t, _, _)| t == table).count();
            format!("{table} {n}")
        })
        .collect();
    per_table.sort();
    let summary = format!(
        "{} tenant HNSW indexes ({}); tenants above {} rows get one",
        present.len(),
        per_table.join(", "),
        plan.policy.index_above
    );
    if plan.is_empty() {
        Check::new(name, Status::Pass, format!("{summary}; none missing"))
    } else {
        Check::new(
            name,
            Status::Warn,
            format!(
                "{summary}; {} action(s) due: run `make vector-maintain`",
                plan.actions.len()
            ),
        )
        .with_details(plan.actions.iter().map(ToString::to_string).collect())
    }
}
