//! The readiness report: every check computed live, nothing written by hand.

use crate::agreement;
use crate::counts::count_tables;
use entity::enums::ConnectorKind;
use entity::registry;
use entity::search::tenant_index::{self, TenantIndexPolicy};
use migration::EXPECTED_SCHEMA;
use migration::state::{self, MigrationStatus};
use neonhub_db::{DatabaseUrl, catalog::Catalog};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Iterable, Statement};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Passed.
    Pass,
    /// Worth a look, not a failure.
    Warn,
    /// Failed; fails the report when the check is required.
    Fail,
    /// Information only.
    Info,
}

impl Status {
    fn icon(self) -> &'static str {
        match self {
            Status::Pass => "✅",
            Status::Warn => "⚠️",
            Status::Fail => "❌",
            Status::Info => "ℹ️",
        }
    }
}

/// One line of the report, with its details.
#[derive(Debug, Clone)]
pub struct Check {
    /// What was checked.
    pub name: &'static str,
    /// How it went.
    pub status: Status,
    /// One-line result.
    pub summary: String,
    /// Further lines (lists of what is missing, applied migrations, ...).
    pub details: Vec<String>,
}

impl Check {
    fn new(name: &'static str, status: Status, summary: impl Into<String>) -> Self {
        Self {
            name,
            status,
            summary: summary.into(),
            details: Vec::new(),
        }
    }

    fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }
}

/// The readiness report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The database, redacted.
    pub target: String,
    /// When it was computed (UTC).
    pub generated_at: chrono::DateTime<chrono::Utc>,
    /// The checks in report order.
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether every required check passed (no check has status `Fail`).
    pub fn ready(&self) -> bool {
        self.checks.iter().all(|c| c.status != Status::Fail)
    }

    /// The check named `name`.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# NeonHub database readiness\n");
        let _ = writeln!(
            out,
            "Computed live by `make doctor` (`smoke doctor`) against `{}` at {} UTC. \
             Regenerate it; do not edit it by hand.\n",
            self.target,
            self.generated_at.format("%Y-%m-%d %H:%M:%S")
        );
        let failed = self
            .checks
            .iter()
            .filter(|c| c.status == Status::Fail)
            .count();
        let _ = writeln!(
            out,
            "**{}**: {} checks, {failed} failed.\n",
            if self.ready() { "Ready" } else { "Not ready" },
            self.checks.len()
        );
        let _ = writeln!(out, "| | Check | Result |\n|---|---|---|");
        for c in &self.checks {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                c.status.icon(),
                c.name,
                c.summary.replace('|', "\\|")
            );
        }
        for c in self.checks.iter().filter(|c| !c.details.is_empty()) {
            let _ = writeln!(out, "\n## {}\n", c.name);
            for d in &c.details {
                let _ = writeln!(out, "- {d}");
            }
        }
        out
    }
}

fn tool_version(cmd: &str) -> String {
    std::process::Command::new(cmd)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| format!("{cmd} not found (needed only to build)"))
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> Result<Option<String>, sea_orm::DbErr> {
    match db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
    {
        Some(row) => row.try_get_by_index::<Option<String>>(0),
        None => Ok(None),
    }
}

/// Compute the readiness report for the database at `url`.
pub async fn doctor(url: Option<&DatabaseUrl>, connect_timeout: Duration) -> Report {
    let mut checks = Vec::new();
    let target = url.map_or_else(|| "(no DATABASE_URL)".to_owned(), ToString::to_string);
    let report = |checks| Report {
        target: target.clone(),
        generated_at: chrono::Utc::now(),
        checks,
    };
    checks.push(Check::new(
        "Tools",
        Status::Info,
        format!(
            "{}; {}; workspace {}",
            tool_version("rustc"),
            tool_version("cargo"),
            env!("CARGO_PKG_VERSION")
        ),
    ));
    let Some(url) = url else {
        checks.push(Check::new(
            "DATABASE_URL",
            Status::Fail,
            "not set: pass --database-url, export DATABASE_URL or run `make db-up`",
        ));
        return report(checks);
    };
    let started = Instant::now();
    let db = match neonhub_db::connect(url, connect_timeout, 4).await {
        Ok(db) => db,
        Err(err) => {
            checks.push(Check::new("DATABASE_URL", Status::Fail, err.to_string()));
            return report(checks);
        }
    };
    let connect_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut rtt = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let _ = db.execute_unprepared("SELECT 1").await;
        rtt.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    rtt.sort_by(f64::total_cmp);
    checks.push(Check::new(
        "DATABASE_URL",
        Status::Pass,
        format!(
            "host {}, database {}; reachable: connect {connect_ms:.1} ms, round trip {:.2} ms (median of 5)",
            url.target(),
            url.database(),
            rtt[2]
        ),
    ));
    let version = scalar(&db, "SHOW server_version")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    checks.push(Check::new(
        "Server",
        Status::Info,
        format!("PostgreSQL {version}"),
    ));

    let mut catalog = match Catalog::read(&db).await {
        Ok(c) => c,
        Err(err) => {
            checks.push(Check::new(
                "Schema",
                Status::Fail,
                format!("cannot read the catalog: {}", neonhub_db::describe(&err)),
            ));
            return report(checks);
        }
    };
    // Tenant indexes are data (made by vector-maintain), not schema: checked on their own.
    let tenant_indexes =
        catalog.take_indexes(|table, index| tenant_index::parse_index_name(table, index).is_some());
    checks.push(extensions(&catalog));
    checks.push(migrations(&db).await);
    checks.push(schema(&catalog));
    checks.push(indexes(&catalog));
    checks.push(tenant_vector_indexes(&db, &tenant_indexes).await);
    checks.push(seed(&db).await);
    checks.push(connectors(&db).await);
    report(checks)
}

fn extensions(catalog: &Catalog) -> Check {
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
async fn migrations(db: &DatabaseConnection) -> Check {
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
fn missing_lines<'a>(a: &'a str, b: &str) -> Vec<&'a str> {
    a.lines().filter(|l| !b.lines().any(|x| x == *l)).collect()
}

fn schema(catalog: &Catalog) -> Check {
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

fn indexes(catalog: &Catalog) -> Check {
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
async fn tenant_vector_indexes(
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

async fn seed(db: &DatabaseConnection) -> Check {
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

async fn connectors(db: &DatabaseConnection) -> Check {
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
