//! The schema checks: extensions, migrations (checksums included), the catalog against the
//! build's expected schema and the entities.

use super::{Check, Status};
use crate::agreement;
use migration::EXPECTED_SCHEMA;
use migration::state::{self, MigrationStatus};
use neonhub_db::catalog::Catalog;
use sea_orm::DatabaseConnection;

pub(super) fn extensions(catalog: &Catalog) -> Check {
    let uuid_ossp = if catalog.extensions.contains_key("uuid-ossp") {
        "uuid-ossp installed but not needed (gen_random_uuid() is built in)"
    } else {
        "uuid-ossp not needed (gen_random_uuid() is built in)"
    };
    match catalog.extensions.get("vector") {
        Some(v) => Check::new(
            "Extensions",
            Status::Pass,
            format!("vector {v}; {uuid_ossp}"),
        ),
        None => Check::new(
            "Extensions",
            Status::Fail,
            format!("vector (pgvector) is not installed: run `make migrate`; {uuid_ossp}"),
        ),
    }
}

/// The migrations, as `migration status` sees them (one shared reading): anything but applied
/// fails, so the report is never greener than the runner.
pub(super) async fn migrations(db: &DatabaseConnection) -> Check {
    let states = match state::read(db).await {
        Ok(states) => states,
        Err(err) => {
            return Check::new("Migrations", Status::Fail, neonhub_db::describe(&err));
        }
    };
    let named = |status| state::named(&states, status);
    let (applied, pending, changed, unknown) = (
        states.iter().filter(|m| m.status.is_applied()).count(),
        named(MigrationStatus::Pending),
        named(MigrationStatus::ChangedSinceApplied),
        named(MigrationStatus::UnknownToThisBuild),
    );
    let details = states
        .iter()
        .map(|m| format!("{}: {}", m.status, m.name))
        .collect();
    let mut summary = format!(
        "{applied} applied, {} pending, {} changed since applied, {} unknown",
        pending.len(),
        changed.len(),
        unknown.len()
    );
    if let Some(next) = pending.first() {
        summary += &format!(" (run `make migrate`; next: {next})");
    }
    if !changed.is_empty() {
        summary += &format!(
            " (edited after they were applied: {}; revert the edit and add a new migration, or \
             accept it with `make migrate ARGS=\"--accept-changed NAME\"`)",
            changed.join(", ")
        );
    }
    if !unknown.is_empty() {
        summary += " (the database is ahead of this build: update your checkout)";
    }
    let status = if states.iter().all(|m| m.status.is_ok()) {
        Status::Pass
    } else {
        Status::Fail
    };
    Check::new("Migrations", status, summary).with_details(details)
}

/// Lines of `a` that are not in `b`.
pub(super) fn missing_lines<'a>(a: &'a str, b: &str) -> Vec<&'a str> {
    a.lines().filter(|l| !b.lines().any(|x| x == *l)).collect()
}

pub(super) fn schema(catalog: &Catalog) -> Check {
    let mut details = agreement::entity_mismatches(catalog);
    let live = catalog.render();
    details.extend(
        missing_lines(EXPECTED_SCHEMA, &live)
            .iter()
            .map(|l| format!("missing: `{}`", l.trim())),
    );
    details.extend(
        missing_lines(&live, EXPECTED_SCHEMA)
            .iter()
            .map(|l| format!("unexpected: `{}`", l.trim())),
    );
    if details.is_empty() {
        Check::new(
            "Schema",
            Status::Pass,
            format!(
                "{} tables and {} enums as this build expects; every entity's table and columns present",
                catalog.schema_tables().count(),
                catalog.enums.len()
            ),
        )
    } else {
        Check::new(
            "Schema",
            Status::Fail,
            format!("{} differences from this build's schema", details.len()),
        )
        .with_details(details)
    }
}
