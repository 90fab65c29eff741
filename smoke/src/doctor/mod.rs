//! The readiness report: every check computed live, nothing written by hand.

use entity::search::tenant_index::{self};
use neonhub_db::{DatabaseUrl, catalog::Catalog};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

mod cache;
mod data;
mod indexes;
mod roles;
mod schema;
mod tenant_context;
mod topology;

use cache::vector_cache;
use data::{connectors, retention, seed};
pub use indexes::WAITING_WARN;
use indexes::{indexes, tenant_vector_indexes};
pub use roles::{DoctorOptions, EXPECTED_LOGIN_SETTINGS, app_role_checks, looks_like_leftover};
use schema::{extensions, migrations, schema};
use topology::replication;

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

/// Citus readiness (informational): each table's role (`migration::distribution`) and what
/// blocks it.
fn scale_out(catalog: &Catalog) -> Check {
    let readiness = crate::scale_out::Readiness::planned(catalog);
    let details = readiness
        .tables
        .iter()
        .map(|(table, (role, blockers))| {
            let why = migration::distribution::reason(table)
                .map(|why| format!(" ({why})"))
                .unwrap_or_default();
            if blockers.is_empty() {
                format!("{table}: {role}{why}")
            } else {
                let list: Vec<String> = blockers.iter().map(ToString::to_string).collect();
                format!("{table}: {role}{why}; blocked: {}", list.join("; "))
            }
        })
        .collect();
    Check::new(
        "Scale-out readiness (Citus)",
        Status::Info,
        format!("{} (docs/SCALE_OUT.md)", readiness.summary()),
    )
    .with_details(details)
}

pub(super) fn tool_version(cmd: &str) -> String {
    std::process::Command::new(cmd)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| format!("{cmd} not found (needed only to build)"))
}

pub(super) async fn scalar(
    db: &DatabaseConnection,
    sql: &str,
) -> Result<Option<String>, sea_orm::DbErr> {
    match db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
    {
        Some(row) => row.try_get_by_index::<Option<String>>(0),
        None => Ok(None),
    }
}

/// Compute the readiness report for the database at `url`, with the default
/// [`DoctorOptions`].
pub async fn doctor(url: Option<&DatabaseUrl>, connect_timeout: Duration) -> Report {
    doctor_with(url, connect_timeout, &DoctorOptions::default()).await
}

/// Compute the readiness report for the database at `url`.
pub async fn doctor_with(
    url: Option<&DatabaseUrl>,
    connect_timeout: Duration,
    options: &DoctorOptions,
) -> Report {
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
    checks.push(replication(&db).await);

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
    checks.extend(app_role_checks(&db, neonhub_db::app_role::APP_ROLE, options).await);
    checks.push(tenant_context::tenant_context(&db).await);
    checks.push(schema(&catalog));
    checks.push(indexes(&catalog));
    checks.extend(tenant_vector_indexes(&db, &tenant_indexes).await);
    checks.push(vector_cache(&db).await);
    checks.push(seed(&db).await);
    checks.push(connectors(&db).await);
    checks.push(retention(&db).await);
    checks.push(scale_out(&catalog));
    report(checks)
}
