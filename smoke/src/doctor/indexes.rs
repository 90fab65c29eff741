//! The index checks: every vector column's HNSW index, the expected indexes, indexed foreign
//! keys, the rows waiting outside the HNSW graphs, and the tenant vector indexes the
//! maintenance policy wants.

use super::{Check, Status};
use entity::registry;
use entity::search::tenant_index::{self, TenantIndexPolicy};
use maintain::Action;
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
            // In the table's precision: `(embedding vector_cosine_ops)`, or
            // `(((embedding)::halfvec(1536)) halfvec_cosine_ops)` where the graph is half.
            let precision = tenant_index::Precision::of(table.name);
            let keyed = match precision {
                tenant_index::Precision::Full => format!("({} ", col.name),
                tenant_index::Precision::Half => format!("((({})::halfvec(", col.name),
            };
            let found = catalog.tables.get(table.name).is_some_and(|t| {
                t.indexes.values().any(|d| {
                    d.starts_with("hnsw")
                        && d.contains(&keyed)
                        && d.contains(&format!(" {})", precision.opclass()))
                })
            });
            if found {
                hnsw += 1;
            } else {
                problems.push(format!(
                    "no HNSW ({}) index on {}.{}",
                    precision.opclass(),
                    table.name,
                    col.name
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
) -> Vec<Check> {
    let name = "Tenant vector indexes";
    let plan = match maintain::plan(db, &TenantIndexPolicy::default()).await {
        Ok(plan) => plan,
        Err(err) => {
            return vec![Check::new(
                name,
                Status::Warn,
                format!("cannot plan: {err}"),
            )];
        }
    };
    let (merges, due): (Vec<&Action>, Vec<&Action>) =
        plan.actions.iter().partition(|a| a.is_merge());
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
    let tenants = if !plan.over_cap.is_empty() {
        // Worse than a missing index: no run of vector-maintain will build these.
        Check::new(
            name,
            Status::Warn,
            format!(
                "{summary}; {} tenant(s) above it have none, the cap of {} per table is full: \
                 raise `vector-maintain --max-per-table`",
                plan.over_cap.len(),
                plan.policy.max_per_table
            ),
        )
        .with_details(
            plan.over_cap
                .iter()
                .map(|o| format!("{} {} ({} rows)", o.table, o.organization_id, o.rows))
                .chain(due.iter().map(ToString::to_string))
                .collect(),
        )
    } else if due.is_empty() {
        Check::new(name, Status::Pass, format!("{summary}; none missing"))
    } else {
        Check::new(
            name,
            Status::Warn,
            format!(
                "{summary}; {} action(s) due: run `make vector-maintain`",
                due.len()
            ),
        )
        .with_details(due.iter().map(ToString::to_string).collect())
    };
    vec![vector_graph(&merges), tenants]
}

/// Rows waiting outside the HNSW graphs (all tables together) above which the doctor warns:
/// every search scans its scope's waiting rows exactly (about 10 µs each, docs/VECTOR_SEARCH.md).
pub const WAITING_WARN: u64 = 5_000;

/// The rows that wait outside the graphs of the deferred tables (the merges of the plan).
fn vector_graph(merges: &[&Action]) -> Check {
    let name = "Vector graph backlog";
    let waiting: u64 = merges
        .iter()
        .map(|a| match a {
            Action::Merge { rows, .. } => *rows,
            _ => 0,
        })
        .sum();
    let details = merges.iter().map(ToString::to_string).collect();
    if waiting > WAITING_WARN {
        Check::new(
            name,
            Status::Warn,
            format!(
                "{waiting} rows wait outside the HNSW graphs (more than {WAITING_WARN}: searches \
                 scan them exactly): run `make vector-maintain`, and schedule it more often"
            ),
        )
        .with_details(details)
    } else {
        Check::new(
            name,
            Status::Pass,
            format!(
                "{waiting} rows wait outside the HNSW graphs (at most {WAITING_WARN}); \
                 `make vector-maintain` merges them"
            ),
        )
        .with_details(details)
    }
}
