//! The vector-search figures of the report (2 to 5, 9 to 11): the HNSW build, the
//! whole-table and per-tenant searches, the helper's overhead, ingestion, index storage and
//! planning time.

use super::markdown::fmt_share;
use super::{BenchReport, figure};
use crate::data::IndexResult;
use crate::search::{
    GOAL_P50_MS, GOAL_RECALL, GlobalResult, OverheadRow, TenantRow, TenantsResult,
    UNFILTERED_MAX_RATIO, UNFILTERED_RECALL, UnfilteredResult,
};
use crate::stats::fmt_ms;
use std::fmt::Write as _;

impl BenchReport {
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
                "HNSW build of chunks ({}; maintenance_work_mem {}, index {} MB)",
                index.chunks_index_options,
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
        self.add_every_tenant(result);
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

    /// Figure 4z: the per-tenant goal over every tenant measured (`Auto` after the
    /// maintenance): `k` rows every time, recall@k ≥ 0.95, p50 ≤ 10 ms, p95 ≤ 25 ms each.
    fn add_every_tenant(&mut self, result: &TenantsResult) {
        let k = self.config.k as usize;
        let tenants = &result.tenants;
        if tenants.is_empty() {
            return;
        }
        let failing: Vec<&TenantRow> = tenants.iter().filter(|t| !t.every_goal_met(k)).collect();
        let large = tenants
            .iter()
            .filter(|t| t.rows >= crate::search::SMALL_TENANT_ROWS)
            .count();
        let worst = |f: fn(&TenantRow) -> f64| tenants.iter().map(f).fold(0.0, f64::max);
        let mean_recall =
            tenants.iter().map(|t| t.auto_after.recall).sum::<f64>() / tenants.len() as f64;
        let min_recall = tenants
            .iter()
            .map(|t| t.auto_after.recall)
            .fold(1.0, f64::min);
        let met = tenants.len() - failing.len();
        let mut value = format!(
            "{met} of {} tenants meet it ({large} with ≥ {} rows); recall mean {mean_recall:.3}, \
             lowest {min_recall:.3}; worst p50 {} ms, worst p95 {} ms",
            tenants.len(),
            crate::search::SMALL_TENANT_ROWS,
            fmt_ms(worst(|t| t.auto_after.latency.p50_ms)),
            fmt_ms(worst(|t| t.auto_after.latency.p95_ms)),
        );
        if !failing.is_empty() {
            let names: Vec<String> = failing
                .iter()
                .take(8)
                .map(|t| format!("{} ({} rows: {})", t.slug, t.rows, t.auto_after.describe()))
                .collect();
            let _ = write!(value, "; failing: {}", names.join("; "));
        }
        self.figures.push(figure(
            "4z",
            "Every tenant measured (all with ≥ 1,000 rows, the smaller ones as configured): the \
             helper (Auto) after maintenance"
                .into(),
            value,
            format!("{} tenants", tenants.len()),
            met as f64 / tenants.len() as f64,
            "tenants meeting the goal / tenants",
            Some((
                &format!(
                    "each: {k} rows, recall ≥ {GOAL_RECALL:.2}, p50 ≤ {GOAL_P50_MS} ms, p95 ≤ {} ms",
                    crate::search::GOAL_P95_MS
                ),
                failing.is_empty(),
            )),
        ));
    }

    /// Figure 11: planning time of the search statement with every maintenance index.
    pub fn add_planning(&mut self, planning: &crate::search::PlanningResult) {
        let worst = planning.worst_p50_ms();
        let cases: Vec<String> = planning
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{}, {}: p50 {} ms",
                    r.case,
                    r.answered.label(),
                    fmt_ms(r.planning.p50_ms)
                )
            })
            .collect();
        self.figures.push(figure(
            "11",
            format!(
                "Planning time of the helper's search statement (EXPLAIN ANALYZE) with every \
                 maintenance index present ({} indexes on chunks, {} of them tenant indexes)",
                planning.chunks_indexes, planning.tenant_indexes
            ),
            cases.join("; "),
            format!("{} ms", crate::search::GOAL_PLANNING_MS),
            worst / crate::search::GOAL_PLANNING_MS,
            "worst p50 / 1 ms",
            Some(("≤ 1 ms", worst <= crate::search::GOAL_PLANNING_MS)),
        ));
        self.planning = Some(planning.clone());
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
            format!(
                "The same inserts with each row put into the HNSW graphs on insert \
                 (`embedding_indexed = true`: what every insert paid before the graph was \
                 deferred; one series of {} rows)",
                ingest.graph_rows
            ),
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
                "vector-maintain merging {} waiting rows into the graphs (batches of {}; the \
                 last deferred series', the others deleted first), off the request path",
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
            match storage.float32_sample_rows {
                None => format!(
                    "{:.0} MB, float32 HNSW (built in {:.1} s)",
                    mb(storage.float32_bytes),
                    storage.float32_build_seconds
                ),
                Some(sample) => format!(
                    "{:.0} MB, float32 HNSW (built on {sample} rows in {:.1} s, scaled to {} rows)",
                    mb(storage.float32_bytes),
                    storage.float32_build_seconds,
                    storage.rows
                ),
            },
            ratio,
            "every family / one float32 HNSW",
            Some(("≤ 1.0×", ratio <= 1.0)),
        ));
        self.storage = Some(storage.clone());
    }
}
