//! The NeonHub scale benchmark: every figure is measured against a baseline run in the same
//! process on the same data, and reported as value, baseline and ratio.
//!
//! 1. load throughput of `seeder::synth` vs a raw binary `COPY` of the same rows, pre-encoded;
//! 2. the HNSW build of `chunks` as the loader runs it (parallel workers) vs Postgres' default
//!    for that table (a serial build); 2b: the tenant indexes `maintain::run` builds
//!    (`CREATE INDEX CONCURRENTLY` for every tenant above the policy's threshold), timed,
//!    then a second run that must find nothing to do (idempotence);
//! 3. top-k over the whole table: 3a/3b recall and latency of HNSW vs exact search (raw SQL,
//!    with an `ef_search` sweep); 3c/3d the entity helper over [`entity::search::Scope::All`]:
//!    its recall against the same exact ids, and its latency against the same statements sent
//!    raw through sqlx, interleaved query by query;
//! 4. the tenant table: for every tenant (fixed shares 0.1%, 1%, 11%, 50% of the rows by
//!    default, the others by Zipf), exact SQL (the baseline) vs the helper forced to HNSW and
//!    the helper's `Auto`, each before and after the tenant-index maintenance (latency, recall
//!    against the exact ids, rows returned, which strategy and index answered); 4a, 4b, ...:
//!    the goal for each fixed-share tenant (`Auto` after maintenance: k rows, recall@k ≥ 0.95,
//!    p50 ≤ 10 ms);
//! 5. the entity helper vs the same SQL sent raw through sqlx inside the 1% tenant (exact) and
//!    the largest (its tenant index), after maintenance;
//! 6. `migrate up` on an empty database vs replaying its `pg_dump --schema-only` with psql;
//! 7. `smoke::count_tables` vs one statement counting every table;
//! 9. online ingestion through the entities ([`ingest`]): `insert_many` of 100-row batches
//!    into the 10% tenant with every index present (the graph deferred) vs the same inserts
//!    into a copy of the table without vector indexes; the same with the graph maintained on
//!    insert; the merge `vector-maintain` makes afterwards;
//! 10. the vector index storage of `chunks`, every family ([`storage`]: the half-precision
//!     graph, the tenant indexes, the waiting rows' B-tree) vs one float32 HNSW of the table;
//! 11. the planning time of the helper's search statement with every maintenance index present
//!     (whole table, and the largest tenant answered by each path).
//!
//! The scale configuration (`make bench-scale`: 1M chunks over 1,000 organizations) runs the
//! same code with flags: tenants below 1,000 rows sampled, the float32 baseline of figure 10
//! built on a sample and scaled; `--centroids`/`--spread` give the second data distribution.
//!
//! [`run`] does it all on databases it creates; the binary `bench` is its CLI (`make bench`).
//! The pieces ([`data`], [`search`], [`schema`], [`counts`]) also run on their own, which the
//! crate's tests do on a small configuration to check correctness (never timings).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod counts;
pub mod data;
pub mod ingest;
pub mod report;
pub mod rls;
pub mod schema;
pub mod search;
pub mod server;
pub mod stats;
pub mod storage;

pub use report::{BenchReport, Figure, render_markdown};
pub use server::{PgTools, Server};

use entity::search::tenant_index::TenantIndexPolicy;
use entity::search::{DEFAULT_EF_SEARCH, DEFAULT_EXACT_MAX_ROWS, DEFAULT_WHOLE_TABLE_EF_SEARCH};
use seeder::synth::{SynthOptions, SynthPlan};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// A benchmark run that failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A SeaORM call failed.
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// A raw sqlx call failed.
    #[error("database error: {0}")]
    Sql(#[from] sea_orm::sqlx::Error),
    /// Connecting or managing databases failed.
    #[error(transparent)]
    Connect(#[from] neonhub_db::DbError),
    /// The synthetic load failed.
    #[error(transparent)]
    Synth(#[from] seeder::synth::SynthError),
    /// A search failed.
    #[error(transparent)]
    Search(#[from] entity::search::SearchError),
    /// The tenant-index maintenance failed.
    #[error(transparent)]
    Maintain(#[from] maintain::MaintainError),
    /// Migrating failed.
    #[error("migrating: {0}")]
    Migrate(#[from] migration::runner::RunError),
    /// An external tool (psql, pg_dump) failed.
    #[error("{tool}: {message}")]
    Tool {
        /// The tool.
        tool: String,
        /// What went wrong (redacted).
        message: String,
    },
    /// A result that must hold did not.
    #[error("check failed: {0}")]
    Check(String),
}

/// What to measure, and on how much data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchConfig {
    /// Name of the benchmark database (scratch databases get it as a prefix).
    pub database: String,
    /// Keep the benchmark database after the run.
    pub keep: bool,
    /// Organizations.
    pub orgs: usize,
    /// Fixed shares (0 to 1) of the chunks and messages held by tenants 0, 1, ... (the others
    /// share the rest by a Zipf law); these tenants get a goal figure each.
    pub shares: Vec<f64>,
    /// Chunks.
    pub chunks: usize,
    /// Messages.
    pub messages: usize,
    /// Seed of the synthetic data.
    pub seed: u64,
    /// Queries for the whole-table figures, the fixed-share tenants and figure 5.
    pub queries: usize,
    /// Queries for each of the other tenants in the tenant table.
    pub tenant_queries: usize,
    /// Neighbours per query.
    pub k: u32,
    /// `hnsw.ef_search` of the walks inside a tenant (the helper's default).
    pub ef_search: u32,
    /// The most `hnsw.ef_search` over [`entity::search::Scope::All`] (the helper's default):
    /// the whole-table figures, raw and through the helper, walk with what the helper chooses
    /// for the graph's rows up to it ([`entity::search::GRAPH_ROWS_PER_CANDIDATE`]).
    #[serde(default = "default_whole_table_ef_search")]
    pub whole_table_ef_search: u32,
    /// `ef_search` values of the sweep.
    pub ef_sweep: Vec<u32>,
    /// The `Auto` threshold (rows) used by the helper.
    pub exact_max_rows: u32,
    /// Rows above which the maintenance gives a tenant its own HNSW index
    /// ([`TenantIndexPolicy::index_above`]); `None`: `exact_max_rows`, as the policy's default
    /// follows the helper's (every tenant `Auto` searches through HNSW gets an index).
    pub tenant_index_above: Option<u64>,
    /// Load rounds (raw and ours alternate; the best of each counts).
    pub load_rounds: usize,
    /// Figure 1's baseline: the same rows sent as raw binary COPY (encoded in memory first:
    /// at 1M chunks that is 6 GB and about 3 minutes, so the scale run leaves it out).
    #[serde(default = "default_true")]
    pub load_baseline: bool,
    /// Build the `chunks` HNSW index serially first, as the baseline of figure 2.
    pub serial_build_baseline: bool,
    /// Repetitions of the migrate/replay and smoke figures (the median counts).
    pub repeats: usize,
    /// Campaign metrics of the isolation figures 8a–8c; 0 skips them.
    pub rls_rows: usize,
    /// Only the isolation figures (8a–8c).
    pub rls_only: bool,
    /// pgbench clients of figure 8c.
    pub pgbench_clients: u32,
    /// pgbench seconds of each run of figure 8c.
    pub pgbench_seconds: u64,
    /// Figure 9: rows per ingestion series (0 skips the figure).
    #[serde(default)]
    pub ingest_rows: usize,
    /// Figure 9b: rows of the series put into the graphs on insert, and figure 9c: rows the
    /// merge is timed on (`None`: `ingest_rows`). Each costs a graph insert (about 30 ms a
    /// row at a million rows), so the scale run measures these two rates on fewer rows.
    #[serde(default)]
    pub ingest_graph_rows: Option<usize>,
    /// Clusters of the synthetic embeddings ([`SynthOptions::centroids`]).
    #[serde(default = "default_centroids")]
    pub centroids: usize,
    /// Noise of the synthetic embeddings relative to their centroid ([`SynthOptions::spread`]):
    /// wider clusters are harder for a graph and for a quantized first pass.
    #[serde(default = "default_spread")]
    pub spread: f32,
    /// Tenants below [`search::SMALL_TENANT_ROWS`] rows measured in the tenant table: `None`
    /// every one, else an even sample of this many by size (the others are all measured).
    #[serde(default)]
    pub small_tenants: Option<usize>,
    /// Figure 10: build the float32 baseline on a sample of this many rows when `chunks` has
    /// more, and scale its size (0: always on the whole table).
    #[serde(default)]
    pub storage_sample_rows: usize,
    /// Walk the filtered table graph for every measured tenant: the helper before the
    /// tenant-index maintenance, and forced to HNSW after it for a tenant left without an index
    /// (`false`: for the fixed-share tenants only). These columns show why tenants get an index
    /// and are the slowest searches of a scale run (at 1M chunks about 150 ms a query).
    #[serde(default = "default_true", alias = "before_all_tenants")]
    pub table_graph_all_tenants: bool,
}

fn default_whole_table_ef_search() -> u32 {
    DEFAULT_WHOLE_TABLE_EF_SEARCH
}

fn default_true() -> bool {
    true
}

fn default_centroids() -> usize {
    SynthOptions::default().centroids
}

fn default_spread() -> f32 {
    SynthOptions::default().spread
}

impl Default for BenchConfig {
    fn default() -> Self {
        Self {
            database: "neonhub_bench".into(),
            keep: false,
            orgs: 12,
            shares: vec![0.001, 0.01, 0.11, 0.5],
            chunks: 100_000,
            messages: 10_000,
            seed: 42,
            queries: 200,
            tenant_queries: 50,
            k: 10,
            ef_search: DEFAULT_EF_SEARCH,
            whole_table_ef_search: DEFAULT_WHOLE_TABLE_EF_SEARCH,
            ef_sweep: vec![40, 64, 100, 128, 160, 200],
            exact_max_rows: DEFAULT_EXACT_MAX_ROWS,
            tenant_index_above: None,
            load_rounds: 2,
            load_baseline: true,
            serial_build_baseline: true,
            repeats: 5,
            rls_rows: 1_000_000,
            rls_only: false,
            pgbench_clients: 8,
            pgbench_seconds: 20,
            ingest_rows: 2_000,
            ingest_graph_rows: None,
            centroids: default_centroids(),
            spread: default_spread(),
            small_tenants: None,
            storage_sample_rows: 0,
            table_graph_all_tenants: true,
        }
    }
}

impl BenchConfig {
    /// The synthetic data set of this configuration.
    pub fn plan(&self) -> Result<SynthPlan, BenchError> {
        Ok(SynthPlan::new(SynthOptions {
            orgs: self.orgs,
            shares: self.shares.clone(),
            chunks: self.chunks,
            messages: self.messages,
            seed: self.seed,
            centroids: self.centroids,
            spread: self.spread,
            ..SynthOptions::default()
        })?)
    }

    /// The helper's search options of this configuration.
    pub fn search_options(&self) -> entity::search::SearchOptions {
        entity::search::SearchOptions::default()
            .k(self.k)
            .ef_search(self.ef_search)
            .whole_table_ef_search(self.whole_table_ef_search)
            .exact_max_rows(self.exact_max_rows)
    }

    /// The tenant-index policy of the maintenance: the default policy with `index_above` set
    /// to [`BenchConfig::tenant_index_above`] (else `exact_max_rows`) and `keep_above` to half
    /// of it, as the default does.
    pub fn tenant_index_policy(&self) -> TenantIndexPolicy {
        let index_above = self
            .tenant_index_above
            .unwrap_or(u64::from(self.exact_max_rows));
        TenantIndexPolicy {
            index_above,
            keep_above: index_above / 2,
            ..TenantIndexPolicy::default()
        }
    }

    /// The options of `maintain::run` in the benchmark: [`BenchConfig::tenant_index_policy`],
    /// otherwise the defaults (the server's `maintenance_work_mem`).
    pub fn maintain_options(&self) -> maintain::RunOptions {
        maintain::RunOptions {
            policy: self.tenant_index_policy(),
            ..maintain::RunOptions::default()
        }
    }
}

/// Run the whole benchmark on the server of `server` (databases named after
/// `config.database` are dropped and created), reporting progress through `log`.
///
/// `tools` (psql and pg_dump) are needed for figure 6; without them it is left out.
pub async fn run(
    server: &Server,
    config: &BenchConfig,
    tools: Option<&PgTools>,
    log: &dyn Fn(&str),
) -> Result<BenchReport, BenchError> {
    let result = run_all(server, config, tools, log).await;
    if result.is_err() {
        // Best effort: leave no scratch database behind (the main one only with --keep).
        let base = &config.database;
        for suffix in ["_scratch", "_migrate", "_replay", "_rls"] {
            server.drop_database(&format!("{base}{suffix}")).await.ok();
        }
        if !config.keep {
            server.drop_database(base).await.ok();
        }
    }
    result
}

async fn run_all(
    server: &Server,
    config: &BenchConfig,
    tools: Option<&PgTools>,
    log: &dyn Fn(&str),
) -> Result<BenchReport, BenchError> {
    let started = Instant::now();
    let plan = config.plan()?;
    let mut report = BenchReport::new(config.clone());
    let environment = server.environment().await?;
    report.environment = environment;
    if config.rls_only {
        measure_isolation(server, config, tools, &mut report, log).await?;
        report.total_seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }

    let streams = if config.load_baseline {
        log(&format!(
            "encoding {} rows for the raw COPY baseline",
            plan.total_rows()
        ));
        data::encode_streams(&plan)
    } else {
        Vec::new()
    };

    let (db, load) = data::measure_load(server, config, &plan, &streams, log).await?;
    drop(streams);
    report.add_load(&load);

    // Before the graphs: the loaded pages are still in the page cache (at 1M chunks, 109 s
    // after the graph build had pushed them out, 8 s before it); the builds read no statistics.
    log("vacuum analyze");
    data::vacuum_analyze(&db).await?;
    log("building the HNSW indexes");
    let index = data::measure_index_build(&db, &load.dropped_indexes, config, log).await?;
    report.add_index(&index);
    data::settle_after_builds(&db, "the HNSW builds", log).await;

    log("searching: whole table");
    let queries = search::query_vectors(&plan, config.queries);
    let global = search::measure_global(&db, &queries, config, log).await?;
    report.add_global(&global);

    log("searching: tenants, before and after the tenant-index maintenance");
    let url = server.url_of(&config.database);
    let tenants = search::measure_tenants(&db, &url, &plan, &queries, config, log).await?;
    report.add_tenants(&tenants);

    log("planning time of the search statement with every maintenance index");
    let planning = search::measure_planning(&db, &tenants, &queries, config).await?;
    for row in &planning.rows {
        log(&format!(
            "planning, {} ({}): {}; execution {}",
            row.case,
            row.answered.label(),
            row.planning.describe(),
            row.execution.describe()
        ));
    }
    report.add_planning(&planning);

    log("searching: whole table through the helper vs raw SQL");
    let unfiltered = search::measure_unfiltered(&db, &queries, &global.exact_ids, config).await?;
    log(&format!(
        "whole table, helper: {}; raw: {}",
        unfiltered.helper.describe(),
        unfiltered.raw.describe()
    ));
    report.add_unfiltered(&unfiltered);

    log("helper vs raw SQL inside tenants");
    let overhead = search::measure_overhead(&db, &plan, &queries, config).await?;
    report.add_overhead(&overhead);

    log("vector index storage vs one float32 HNSW (built for the comparison)");
    let storage = storage::measure(&db, config.storage_sample_rows).await?;
    report.add_storage(&storage);

    log("smoke vs one statement");
    let smoke = counts::measure(&db, config.repeats).await?;
    report.add_smoke(&smoke);

    if config.ingest_rows > 0 {
        log("ingestion through the entities: deferred graph vs no vector index");
        let ingest = ingest::measure(&url, &db, &plan, config, log).await?;
        report.add_ingest(&ingest);
    }
    db.close().await.ok();

    match tools {
        Some(tools) => {
            log("migrate up vs pg_dump replay");
            match schema::measure(server, tools, config).await {
                Ok(schema) => report.add_schema(&schema),
                // A client tool that does not fit the server costs figure 6, not the run.
                Err(BenchError::Tool { tool, message }) => {
                    report
                        .notes
                        .push(format!("Figure 6 failed: {tool}: {message}"));
                }
                Err(err) => return Err(err),
            }
        }
        None => report.notes.push(
            "Figure 6 skipped: psql/pg_dump not found (pass --pg-bin-dir or set PG_BIN_DIR)."
                .into(),
        ),
    }

    if !config.keep {
        server.drop_database(&config.database).await?;
    }
    measure_isolation(server, config, tools, &mut report, log).await?;
    report.total_seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Figures 8a–8c, unless `rls_rows` is 0; they need pgbench (next to psql).
async fn measure_isolation(
    server: &Server,
    config: &BenchConfig,
    tools: Option<&PgTools>,
    report: &mut BenchReport,
    log: &dyn Fn(&str),
) -> Result<(), BenchError> {
    if config.rls_rows == 0 {
        return Ok(());
    }
    match tools {
        Some(tools) if tools.psql.with_file_name("pgbench").is_file() => {
            let result = rls::measure(server, config, tools, log).await?;
            report.add_rls(&result);
        }
        _ => report.notes.push(
            "Figures 8a-8c skipped: pgbench not found next to psql (pass --pg-bin-dir or set PG_BIN_DIR)."
                .into(),
        ),
    }
    Ok(())
}
