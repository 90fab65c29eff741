//! The benchmark's report: figures (value, baseline, ratio, target), detail tables, and its
//! Markdown rendering.
//!
//! This file: the report's types and the figures of the load, the schema, isolation and smoke;
//! [`vector`]: the vector-search figures (2 to 5, 9 to 11); [`markdown`]: the rendering.

use crate::BenchConfig;
use crate::counts::SmokeResult;
use crate::data::{IndexResult, LoadResult};
use crate::schema::SchemaResult;
use crate::search::{
    GlobalResult, MaintenanceResult, OverheadRow, SearchSeries, SweepRow, TenantRow,
    UnfilteredResult,
};
use crate::stats::fmt_ms;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

mod markdown;
mod vector;

pub use markdown::render_markdown;

/// Where the benchmark ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    /// `server_version`.
    pub server_version: String,
    /// pgvector's version.
    pub pgvector: String,
    /// Cores of this machine (`available_parallelism`).
    pub cores: usize,
    /// Server settings that matter here.
    pub settings: Vec<(String, String)>,
    /// When the run started (UTC).
    pub started_at: String,
}

/// One figure: a value measured against a baseline on the same data in the same process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Number in the list (`1`, `3b`, ...).
    pub id: String,
    /// What is measured.
    pub name: String,
    /// The value, as shown.
    pub value: String,
    /// The baseline, as shown.
    pub baseline: String,
    /// The ratio the target speaks of.
    pub ratio: f64,
    /// What the ratio is (`ours / raw`, `exact / HNSW`, ...).
    pub ratio_meaning: String,
    /// The target, if the issue sets one.
    pub target: Option<String>,
    /// Whether it is met.
    pub met: Option<bool>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// Where.
    pub environment: Environment,
    /// With what.
    pub config: BenchConfig,
    /// The figures, in the order.
    pub figures: Vec<Figure>,
    /// Figure 1 in detail.
    pub load: Option<LoadResult>,
    /// Figure 2 in detail.
    pub index: Option<IndexResult>,
    /// Figure 3 in detail (with the `ef_search` sweep).
    pub global: Option<GlobalResult>,
    /// Figures 3c and 3d in detail: the helper over the whole table vs raw.
    pub unfiltered: Option<UnfilteredResult>,
    /// Every tenant: exact SQL vs the helper forced to HNSW vs `Auto`, before and after the
    /// maintenance.
    pub tenants: Vec<TenantRow>,
    /// Figure 2b in detail: the tenant-index maintenance.
    pub maintenance: Option<MaintenanceResult>,
    /// Figure 5 in detail.
    pub overhead: Vec<OverheadRow>,
    /// Figure 6 in detail.
    pub schema: Option<SchemaResult>,
    /// Figure 7 in detail.
    pub smoke: Option<SmokeResult>,
    /// Figure 10 in detail: vector index storage.
    #[serde(default)]
    pub storage: Option<crate::storage::StorageResult>,
    /// Figure 11 in detail: planning time of the search statement.
    #[serde(default)]
    pub planning: Option<crate::search::PlanningResult>,
    /// Figure 9 in detail: online ingestion.
    #[serde(default)]
    pub ingest: Option<crate::ingest::IngestResult>,
    /// Figures 8a–8c in detail.
    pub rls: Option<crate::rls::RlsResult>,
    /// Remarks (skipped figures, checks that failed).
    pub notes: Vec<String>,
    /// Wall time of the run, seconds.
    pub total_seconds: f64,
}

fn figure(
    id: &str,
    name: String,
    value: String,
    baseline: String,
    ratio: f64,
    ratio_meaning: &str,
    target: Option<(&str, bool)>,
) -> Figure {
    Figure {
        id: id.into(),
        name,
        value,
        baseline,
        ratio,
        ratio_meaning: ratio_meaning.into(),
        target: target.map(|(t, _)| t.to_owned()),
        met: target.map(|(_, met)| met),
    }
}

impl BenchReport {
    /// An empty report for `config`.
    pub fn new(config: BenchConfig) -> Self {
        Self {
            environment: Environment::default(),
            config,
            figures: Vec::new(),
            load: None,
            index: None,
            global: None,
            unfiltered: None,
            tenants: Vec::new(),
            maintenance: None,
            overhead: Vec::new(),
            schema: None,
            smoke: None,
            rls: None,
            ingest: None,
            storage: None,
            planning: None,
            notes: Vec::new(),
            total_seconds: 0.0,
        }
    }

    /// Figure 1.
    pub fn add_load(&mut self, load: &LoadResult) {
        let ours = load.best_ours();
        let (baseline, ratio) = if load.raw.is_empty() {
            ("not measured (--no-load-baseline)".to_owned(), f64::NAN)
        } else {
            let raw = load.best_raw();
            (
                format!(
                    "{:.0} rows/s ({:.2} s), raw binary COPY",
                    raw.rows_per_second(),
                    raw.seconds
                ),
                ours.rows_per_second() / raw.rows_per_second(),
            )
        };
        self.figures.push(figure(
            "1",
            format!(
                "Load throughput, {} rows of 10 tables (best of {}; HNSW indexes dropped in both)",
                ours.rows,
                load.ours.len()
            ),
            format!(
                "{:.0} rows/s ({:.2} s), seeder synth",
                ours.rows_per_second(),
                ours.seconds
            ),
            baseline,
            ratio,
            "ours / raw",
            (!ratio.is_nan()).then_some(("≥ 0.7×", ratio >= 0.7)),
        ));
        self.load = Some(load.clone());
    }

    /// Figure 6.
    pub fn add_schema(&mut self, schema: &SchemaResult) {
        let ratio = schema.migrate.p50_ms / schema.replay.p50_ms;
        self.figures.push(figure(
            "6",
            format!(
                "Empty database to full schema: migrate up vs psql replay of pg_dump --schema-only ({} kB; same schema: {})",
                schema.dump_bytes / 1024,
                if schema.identical_schema { "yes" } else { "NO" }
            ),
            format!("median {} ms", fmt_ms(schema.migrate.p50_ms)),
            format!("median {} ms", fmt_ms(schema.replay.p50_ms)),
            ratio,
            "migrate / replay",
            Some(("≤ 1.5×", ratio <= 1.5)),
        ));
        if let Some(diff) = &schema.first_difference {
            self.notes.push(format!(
                "Replayed schema differs from the migrated one: {diff}"
            ));
        }
        self.schema = Some(schema.clone());
    }

    /// Figures 8a–8c.
    pub fn add_rls(&mut self, rls: &crate::rls::RlsResult) {
        let mut pairs: Vec<(String, String, &crate::rls::ReadPair)> = rls
            .counts
            .iter()
            .map(|(share, pair)| {
                (
                    format!("8a-{}%", share * 100.0),
                    format!("count(*) of a tenant of {}%", share * 100.0),
                    pair,
                )
            })
            .collect();
        pairs.push(("8b".into(), "latest 50 by id".into(), &rls.latest));
        for (id, what, pair) in pairs {
            let ratio = pair.app_ms / pair.owner_ms;
            self.figures.push(figure(
                &id,
                format!(
                    "Isolation cost: {what}'s campaign metrics ({} of {} rows), application login under RLS vs owner with the filter written out",
                    pair.owner_rows, rls.rows
                ),
                format!("median {} ms ({})", fmt_ms(pair.app_ms), pair.app_plan),
                format!("median {} ms ({})", fmt_ms(pair.owner_ms), pair.owner_plan),
                ratio,
                "application / owner",
                Some(("≤ 1.2×", ratio <= 1.2)),
            ));
            if pair.app_rows != pair.owner_rows {
                self.notes.push(format!(
                    "Figure {id}: the application saw {} rows, the owner {}.",
                    pair.app_rows, pair.owner_rows
                ));
            }
        }
        let e = &rls.enter;
        let extra = e.with_tenant_us - e.plain_us;
        // The server time: the function's own, as the server counts it, where it could be
        // read; else the end-to-end difference to BEGIN, SELECT 1, COMMIT.
        let (server_us, how) = match e.function_us {
            Some(us) => (us, "the function's own time, pg_stat_user_functions"),
            None => (e.server_us, "with_tenant minus BEGIN, SELECT 1, COMMIT"),
        };
        self.figures.push(figure(
            "8d",
            format!(
                "Entering a tenant: `with_tenant` of an empty transaction (BEGIN, the enter statement checking a session and a membership, COMMIT) vs a plain BEGIN/COMMIT, {} each, one connection; the enter statement is one round trip; server time {:.0} µs ({how}); for the record: with_tenant minus BEGIN, SELECT 1, COMMIT (median {:.0} µs), client included: {:.0} µs; EXPLAIN ANALYZE with its instrumentation: {:.0} µs",
                e.transactions, server_us, e.one_statement_us, e.server_us, e.explain_us
            ),
            format!("median {:.0} µs per transaction (+{:.0} µs)", e.with_tenant_us, extra),
            format!("median {:.0} µs", e.plain_us),
            e.with_tenant_us / e.plain_us,
            "with_tenant / BEGIN-COMMIT",
            Some(("server time ≤ 50 µs", server_us <= 50.0)),
        ));
        let ratio = rls.app_mix.tps / rls.owner_mix.tps;
        self.figures.push(figure(
            "8c",
            format!(
                "Isolation cost under load: pgbench OLTP mix, {} clients, {} s, Zipf over {} tenants; failed {} / {}; cross-tenant rows after: {}",
                rls.clients,
                rls.seconds,
                crate::rls::pgbench::TENANTS,
                rls.app_mix.failed,
                rls.owner_mix.failed,
                rls.cross_tenant_rows
            ),
            format!("{:.0} tps ({} transactions)", rls.app_mix.tps, rls.app_mix.transactions),
            format!("{:.0} tps ({} transactions)", rls.owner_mix.tps, rls.owner_mix.transactions),
            ratio,
            "application tps / owner tps",
            Some(("≥ 0.85×", ratio >= 0.85)),
        ));
        if rls.cross_tenant_rows != 0 || rls.app_mix.failed != 0 || rls.owner_mix.failed != 0 {
            self.notes.push(format!(
                "Figure 8c: {} cross-tenant rows, {} failed application transactions, {} failed owner transactions.",
                rls.cross_tenant_rows, rls.app_mix.failed, rls.owner_mix.failed
            ));
        }
        self.rls = Some(rls.clone());
    }

    /// Figure 7.
    pub fn add_smoke(&mut self, smoke: &SmokeResult) {
        let ratio = smoke.smoke.p50_ms / smoke.one_statement.p50_ms;
        self.figures.push(figure(
            "7",
            format!(
                "Row counts of all {} tables ({} rows; same counts: {}): smoke vs one statement",
                smoke.tables,
                smoke.total_rows,
                if smoke.equal { "yes" } else { "NO" }
            ),
            format!("median {} ms", fmt_ms(smoke.smoke.p50_ms)),
            format!("median {} ms", fmt_ms(smoke.one_statement.p50_ms)),
            ratio,
            "smoke / one statement",
            Some(("≤ 2×", ratio <= 2.0)),
        ));
        self.smoke = Some(smoke.clone());
    }
}
