//! The benchmark's report: figures (value, baseline, ratio, target), detail tables, and its
//! Markdown rendering.
//!
//! This file: the report's types and how the figures are computed from the measurements;
//! [`markdown`]: its rendering.

use crate::BenchConfig;
use crate::counts::SmokeResult;
use crate::data::{IndexResult, LoadResult};
use crate::schema::SchemaResult;
use crate::search::{
    GOAL_P50_MS, GOAL_RECALL, GlobalResult, MaintenanceResult, OverheadRow, SearchSeries, SweepRow,
    TenantRow, TenantsResult, UNFILTERED_MAX_RATIO, UNFILTERED_RECALL, UnfilteredResult,
};
use crate::stats::fmt_ms;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

mod markdown;

use markdown::fmt_share;
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
            notes: Vec::new(),
            total_seconds: 0.0,
        }
    }

    /// Figure 1.
    pub fn add_load(&mut self, load: &LoadResult) {
        let (ours, raw) = (load.best_ours(), load.best_raw());
        let ratio = ours.rows_per_second() / raw.rows_per_second();
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
            format!(
                "{:.0} rows/s ({:.2} s), raw binary COPY",
                raw.rows_per_second(),
                raw.seconds
            ),
            ratio,
            "ours / raw",
            Some(("≥ 0.7×", ratio >= 0.7)),
        ));
        self.load = Some(load.clone());
    }

    /// Figure 2.
    pub fn add_index(&mut self, index: &IndexResult) {
        let built = &index.chunks;
        let (baseline, ratio) = match &index.chunks_serial {
            Some(serial) => (
                format!("{:.1} s, serial build", serial.seconds),
                built.seconds / serial.seconds,
            ),
            None => ("not measured".to_owned(), f64::NAN),
        };
        self.figures.push(figure(
            "2",
            format!(
                "HNSW build of chunks (m 16, ef_construction 64; maintenance_work_mem {}, index {} MB)",
                index.maintenance_work_mem,
                index.chunks_index_bytes / (1 << 20)
            ),
            format!(
                "{:.1} s, {} workers asked, {} seen",
                built.seconds, built.workers_requested, built.workers_observed
            ),
            baseline,
            ratio,
            "ours / serial (lower is faster)",
            None,
        ));
        self.index = Some(index.clone());
    }

    /// Figure 3.
    pub fn add_global(&mut self, global: &GlobalResult) {
        let k = self.config.k;
        let hnsw = &global.hnsw;
        self.figures.push(figure(
            "3a",
            format!(
                "Recall@{k}, whole table, HNSW ef_search {} ({} queries)",
                hnsw.ef_search, global.queries
            ),
            format!("{:.3}", hnsw.recall),
            "1.000 (exact)".into(),
            hnsw.recall,
            "recall",
            Some(("≥ 0.95", hnsw.recall >= 0.95)),
        ));
        let speedup = global.exact.p50_ms / hnsw.latency.p50_ms;
        self.figures.push(figure(
            "3b",
            format!("Top-{k} latency, whole table, HNSW vs exact (index scans off)"),
            hnsw.latency.describe(),
            global.exact.describe(),
            speedup,
            "exact p50 / HNSW p50",
            Some(("≥ 20×", speedup >= 20.0)),
        ));
        if !global.plans_as_intended {
            self.notes.push(
                "EXPLAIN: the exact baseline used the HNSW index or the HNSW run did not.".into(),
            );
        }
        self.global = Some(global.clone());
    }

    /// Figures 3c and 3d: the helper over the whole table vs the same SQL raw.
    pub fn add_unfiltered(&mut self, unfiltered: &UnfilteredResult) {
        let k = self.config.k;
        let helper = &unfiltered.helper;
        self.figures.push(figure(
            "3c",
            format!(
                "Recall@{k}, whole table, the helper (Scope::All, {}, ef_search {}; {} queries)",
                helper.describe_answered(),
                unfiltered.ef_search,
                unfiltered.queries
            ),
            format!(
                "{:.3} (rows {}–{}; raw: {:.3})",
                helper.recall, helper.min_rows, helper.max_rows, unfiltered.raw.recall
            ),
            "1.000 (exact)".into(),
            helper.recall,
            "recall",
            Some((
                "≥ 0.98",
                helper.recall >= UNFILTERED_RECALL && helper.every_k(k as usize),
            )),
        ));
        let ratio = unfiltered.ratio();
        self.figures.push(figure(
            "3d",
            "Whole table: the helper (Scope::All) vs the same statements raw through sqlx \
             (BEGIN, settings, search, ROLLBACK; interleaved)"
                .into(),
            helper.latency.describe(),
            unfiltered.raw.latency.describe(),
            ratio,
            "helper p50 / raw p50",
            Some(("≤ 1.25×", ratio <= UNFILTERED_MAX_RATIO)),
        ));
        if !unfiltered.plan_as_intended {
            self.notes.push(
                "EXPLAIN: the helper's whole-table search does not walk chunks_embedding_hnsw_idx."
                    .into(),
            );
        }
        self.unfiltered = Some(unfiltered.clone());
    }

    /// Figure 2b (the tenant-index maintenance), the goal figures 4a, 4b, ... (one per
    /// fixed-share tenant: `Auto` after the maintenance) and the tenant table.
    pub fn add_tenants(&mut self, result: &TenantsResult) {
        let k = self.config.k as usize;
        let m = &result.maintenance;
        let count = |table: &str| m.indexes.iter().filter(|i| i.table == table).count();
        let chunks_seconds = m.build_seconds("chunks");
        let (baseline, ratio) = match &self.index {
            Some(index) => (
                format!(
                    "{:.1} s, the table's index of chunks (figure 2)",
                    index.chunks.seconds
                ),
                chunks_seconds / index.chunks.seconds,
            ),
            None => ("not measured".to_owned(), f64::NAN),
        };
        self.figures.push(figure(
            "2b",
            format!(
                "Tenant HNSW indexes by maintain::run (tenants above {} rows; CREATE INDEX \
                 CONCURRENTLY), then a second run",
                m.policy.index_above
            ),
            format!(
                "{} built in {:.1} s (chunks {}, {:.1} s; messages {}), {} MB; second run: {} \
                 actions in {:.2} s",
                m.first.created + m.first.rebuilt,
                m.first.seconds,
                count("chunks"),
                chunks_seconds,
                count("messages"),
                m.index_bytes / (1 << 20),
                m.second.planned,
                m.second.seconds
            ),
            baseline,
            ratio,
            "chunks tenant builds / table build",
            Some(("second run: 0 actions", m.idempotent())),
        ));

        let mut fixed: Vec<&TenantRow> = result
            .tenants
            .iter()
            .filter(|t| t.fixed_share.is_some())
            .collect();
        fixed.sort_by_key(|t| t.index);
        let target = format!("{k} rows, recall ≥ {GOAL_RECALL:.2}, p50 ≤ {GOAL_P50_MS} ms");
        for (i, t) in fixed.iter().enumerate() {
            let id = match u8::try_from(i).ok().filter(|i| *i < 26) {
                Some(i) => format!("4{}", char::from(b'a' + i)),
                None => format!("4.{}", i + 1),
            };
            let auto = &t.auto_after;
            self.figures.push(figure(
                &id,
                format!(
                    "Tenant {} ({} of the rows, {} rows; {} queries): the helper (Auto) after \
                     maintenance",
                    t.slug,
                    fmt_share(t.share),
                    t.rows,
                    t.queries
                ),
                auto.describe(),
                format!("exact SQL p50 {} ms", fmt_ms(t.exact.latency.p50_ms)),
                auto.latency.p50_ms / t.exact.latency.p50_ms,
                "helper p50 / exact SQL p50",
                Some((&target, t.goal_met(k))),
            ));
        }
        for t in result.tenants.iter().filter(|t| !t.plans_as_intended) {
            self.notes.push(format!(
                "EXPLAIN: a helper plan for {} does not use the index (or exact scan) the helper \
                 reports.",
                t.slug
            ));
        }
        self.tenants = result.tenants.clone();
        self.maintenance = Some(result.maintenance.clone());
    }

    /// Figure 5.
    pub fn add_overhead(&mut self, rows: &[OverheadRow]) {
        for (i, row) in rows.iter().enumerate() {
            let ratio = row.helper.p50_ms / row.raw.p50_ms;
            self.figures.push(figure(
                if i == 0 { "5a" } else { "5b" },
                format!(
                    "Entity helper vs the same SQL raw, {} ({} rows, {}; {}, after maintenance)",
                    row.slug,
                    row.rows,
                    fmt_share(row.share),
                    row.answered().label()
                ),
                format!(
                    "{} (strategy fixed: p50 {} ms)",
                    row.helper.describe(),
                    fmt_ms(row.helper_fixed.p50_ms)
                ),
                row.raw.describe(),
                ratio,
                "helper p50 / raw p50",
                Some(("≤ 1.2×", ratio <= 1.2)),
            ));
            if !row.plan_as_intended {
                self.notes.push(format!(
                    "EXPLAIN: the helper's plan for {} does not match what it reports ({}).",
                    row.slug,
                    row.answered().label()
                ));
            }
        }
        self.overhead = rows.to_vec();
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
        for (id, what, pair) in [
            ("8a", "count(*)", &rls.count),
            ("8b", "latest 50 by id", &rls.latest),
        ] {
            let ratio = pair.app_ms / pair.owner_ms;
            self.figures.push(figure(
                id,
                format!(
                    "Isolation cost: {what} of one tenant's campaign metrics ({} of {} rows), application login under RLS vs owner with the filter written out",
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
            Some(("≥ 0.8×", ratio >= 0.8)),
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

    /// Figures 9, 9b and 9c: online ingestion through the entities.
    pub fn add_ingest(&mut self, ingest: &crate::ingest::IngestResult) {
        let tenant = format!(
            "insert_many of {}-row batches of chunks with embeddings into the {:.0}% tenant \
             ({} rows, median of {} series)",
            crate::ingest::BATCH,
            ingest.tenant_share * 100.0,
            ingest.rows,
            ingest.rounds
        );
        let baseline = format!(
            "{:.0} rows/s without vector indexes",
            ingest.baseline_rows_per_second
        );
        let deferred = ingest.deferred_rows_per_second / ingest.baseline_rows_per_second;
        self.figures.push(figure(
            "9",
            format!("Online ingestion, every index present (the graph deferred): {tenant}"),
            format!("{:.0} rows/s", ingest.deferred_rows_per_second),
            baseline.clone(),
            deferred,
            "with every index / without vector indexes",
            Some(("≥ 0.5×", deferred >= 0.5)),
        ));
        let immediate = ingest.immediate_rows_per_second / ingest.baseline_rows_per_second;
        self.figures.push(figure(
            "9b",
            "The same inserts with each row put into the HNSW graphs on insert \
             (`embedding_indexed = true`: what every insert paid before the graph was deferred)"
                .into(),
            format!("{:.0} rows/s", ingest.immediate_rows_per_second),
            baseline,
            immediate,
            "graph on insert / without vector indexes",
            None,
        ));
        let merge = ingest.merge_rows_per_second / ingest.immediate_rows_per_second;
        self.figures.push(figure(
            "9c",
            format!(
                "vector-maintain merging the {} waiting rows into the graphs (batches of {}), \
                 off the request path",
                ingest.merged_rows,
                maintain::MERGE_BATCH
            ),
            format!("{:.0} rows/s", ingest.merge_rows_per_second),
            format!(
                "{:.0} rows/s graph on insert",
                ingest.immediate_rows_per_second
            ),
            merge,
            "merge / graph on insert",
            None,
        ));
        self.ingest = Some(ingest.clone());
    }

    /// Figure 10: the vector index storage of `chunks` vs one float32 HNSW of the table.
    pub fn add_storage(&mut self, storage: &crate::storage::StorageResult) {
        let mb = |bytes: i64| bytes as f64 / 1e6;
        let ratio = storage.total_bytes() as f64 / storage.float32_bytes.max(1) as f64;
        self.figures.push(figure(
            "10",
            "Vector index storage of chunks, every family (half-precision graph of merged rows + \
             tenant indexes + the waiting rows' B-tree) vs one float32 HNSW of the whole table"
                .into(),
            format!(
                "{:.0} MB (graph {:.0} MB, {} tenant indexes {:.0} MB, waiting B-tree {:.1} MB)",
                mb(storage.total_bytes()),
                mb(storage.table_graph_bytes),
                storage.tenant_indexes,
                mb(storage.tenant_index_bytes),
                mb(storage.pending_bytes)
            ),
            format!(
                "{:.0} MB, float32 HNSW (built in {:.1} s)",
                mb(storage.float32_bytes),
                storage.float32_build_seconds
            ),
            ratio,
            "every family / one float32 HNSW",
            Some(("≤ 1.0×", ratio <= 1.0)),
        ));
        self.storage = Some(storage.clone());
    }
}
