//! The data checks: the seed and the connector catalogue.

use super::{Check, Status};
use crate::counts::count_tables;
use entity::enums::ConnectorKind;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Iterable, Statement};

pub(super) async fn seed(db: &DatabaseConnection) -> Check {
    let counts = count_tables(db).await;
    let seeded = seeder::seeded_tables();
    let errors: Vec<String> = counts
        .iter()
        .filter_map(|c| c.error.as_ref().map(|e| format!("{}: {e}", c.table)))
        .collect();
    if !errors.is_empty() {
        return Check::new(
            "Seed",
            Status::Fail,
            format!("{} tables cannot be counted", errors.len()),
        )
        .with_details(errors);
    }
    let total: i64 = counts.iter().filter_map(|c| c.rows).sum();
    let empty: Vec<&str> = counts
        .iter()
        .filter(|c| seeded.contains(&c.table) && c.rows == Some(0))
        .map(|c| c.table)
        .collect();
    let details = counts
        .iter()
        .map(|c| format!("{}: {}", c.table, c.rows.unwrap_or_default()))
        .collect();
    let (status, summary) = if total == 0 {
        (
            Status::Warn,
            "the database is empty: run `make seed` for the demo fixtures".to_owned(),
        )
    } else if empty.is_empty() {
        (
            Status::Pass,
            format!("{total} rows; all {} seeded tables have rows", seeded.len()),
        )
    } else {
        (
            Status::Warn,
            format!(
                "{total} rows; seeded tables without rows: {}",
                empty.join(", ")
            ),
        )
    };
    Check::new("Seed", status, summary).with_details(details)
}

pub(super) async fn connectors(db: &DatabaseConnection) -> Check {
    let rows = match db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT DISTINCT category::text AS c FROM connectors",
        ))
        .await
    {
        Ok(rows) => rows,
        Err(err) => {
            return Check::new(
                "Connector catalogue",
                Status::Fail,
                neonhub_db::describe(&err),
            );
        }
    };
    let present: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get("", "c").ok())
        .collect();
    let all: Vec<String> = ConnectorKind::iter()
        .map(|k| sea_orm::ActiveEnum::to_value(&k))
        .collect();
    let missing: Vec<&String> = all.iter().filter(|k| !present.contains(k)).collect();
    if present.is_empty() {
        Check::new(
            "Connector catalogue",
            Status::Warn,
            "empty: run `make seed` to install the 15 connectors",
        )
    } else if missing.is_empty() {
        Check::new(
            "Connector catalogue",
            Status::Pass,
            format!("all {} ConnectorKind values covered", all.len()),
        )
    } else {
        Check::new(
            "Connector catalogue",
            Status::Fail,
            format!(
                "{} of {} ConnectorKind values missing: {}",
                missing.len(),
                all.len(),
                missing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    }
}

/// The retention policy (lifecycle/retention.toml): tables holding rows past their window.
pub(super) async fn retention(db: &DatabaseConnection) -> Check {
    match lifecycle::overdue(db, &lifecycle::Policy::builtin()).await {
        Ok(overdue) if overdue.is_empty() => Check::new(
            "Retention",
            Status::Pass,
            "no table holds rows past its retention window (lifecycle/retention.toml)",
        ),
        Ok(overdue) => Check::new(
            "Retention",
            Status::Warn,
            format!(
                "{} table(s) hold rows past their retention window: run `make purge` (the daily \
                 db-retention workflow in production)",
                overdue.len()
            ),
        )
        .with_details(
            overdue
                .iter()
                .map(|(table, rows)| format!("{table}: {rows} rows past the window"))
                .collect(),
        ),
        Err(err) => Check::new(
            "Retention",
            Status::Warn,
            format!("cannot check the retention windows: {err}"),
        ),
    }
}
