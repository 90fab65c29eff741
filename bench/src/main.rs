//! `bench`: the NeonHub scale benchmark. On a dedicated database (`neonhub_bench`, dropped and
//! created anew; scratch databases `neonhub_bench_*` likewise) it loads synthetic data (default
//! 100k chunks of 1536 dimensions over 12 tenants: fixed shares of 0.1%, 1%, 11% and 50%, the
//! rest by Zipf), builds the HNSW indexes and measures each figure against a baseline run in
//! the same process on the same data:
//!
//! - 1: load vs raw `COPY`; 2: HNSW build vs Postgres' default (serial); 2b: the tenant indexes
//!   `maintain::run` builds, timed, and a second run that must do nothing;
//! - 3a/3b: HNSW vs exact search over the whole table (raw SQL, `ef_search` sweep); 3c/3d: the
//!   entity helper over the whole table (`Scope::All`): recall ≥ 0.98, latency ≤ 1.25× the
//!   same statements raw;
//! - the tenant table: every tenant, exact SQL vs the helper forced to HNSW and `Auto`, before
//!   and after the maintenance (latency, recall, rows, which strategy and index answered);
//!   4a, 4b, ...: the goal for each fixed-share tenant (`Auto` after maintenance: k rows,
//!   recall@k ≥ 0.95, p50 ≤ 10 ms);
//! - 5: the helper vs the same SQL raw inside the 1% tenant and the largest (after
//!   maintenance); 6: `migrate up` vs a `pg_dump` replay; 7: smoke vs one statement;
//! - 10: vector index storage of `chunks` vs one float32 HNSW; 11: planning time of the
//!   search statement with every maintenance index;
//! - 9: online ingestion through the entities into the 10% tenant, every index present (the
//!   graph deferred) vs a copy of the table without vector indexes; the graph maintained on
//!   insert; the merge `vector-maintain` makes afterwards.
//!
//! ```text
//! make bench                                   # Markdown on stdout, progress on stderr
//! cargo run --release -p bench -- --chunks 20000 --json
//! cargo run --release -p bench -- --shares 0.001,0.01,0.11,0.5 --orgs 12 --out docs/BENCHMARKS.md.part
//! ```
//!
//! It is a benchmark, not a test: it asserts nothing about timings and takes minutes at 100k
//! chunks (the serial HNSW baseline alone takes a few; `--no-serial-baseline` skips it). The
//! server comes from `--database-url`, `DATABASE_URL` or `.env` and must allow creating
//! databases; psql and pg_dump come from `--pg-bin-dir`, `PG_BIN_DIR`,
//! `scripts/local-pg.sh bin-dir` or `PATH`. Passwords are never printed.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result};
use bench::{BenchConfig, PgTools, Server, render_markdown};
use clap::Parser;
use neonhub_db::cli::ConnectArgs;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    version,
    about = "NeonHub scale benchmark: bulk load, HNSW, vector search, migrations, smoke"
)]
struct Cli {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Name of the benchmark database (dropped and created anew).
    #[arg(long, default_value = "neonhub_bench")]
    database: String,
    /// Keep the benchmark database afterwards.
    #[arg(long)]
    keep: bool,
    /// Chunks to generate.
    #[arg(long, default_value_t = 100_000)]
    chunks: usize,
    /// Messages to generate.
    #[arg(long, default_value_t = 10_000)]
    messages: usize,
    /// Organizations (the first hold the --shares, the others share the rest by Zipf).
    #[arg(long, default_value_t = 12)]
    orgs: usize,
    /// Fixed shares (0 to 1) of the rows held by tenants 0, 1, ..., comma-separated; each gets
    /// a goal figure.
    #[arg(long, value_delimiter = ',', default_value = "0.001,0.01,0.11,0.5")]
    shares: Vec<f64>,
    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Queries for the whole-table figures, the fixed-share tenants and figure 5 (at least 200
    /// for the record).
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// Queries for each tenant without a fixed share in the tenant table.
    #[arg(long, default_value_t = 50)]
    tenant_queries: usize,
    /// hnsw.ef_search of the walks inside a tenant (the helper's default).
    #[arg(long, default_value_t = entity::search::DEFAULT_EF_SEARCH)]
    ef_search: u32,
    /// The most hnsw.ef_search over the whole table (the helper's default): the helper walks
    /// with one candidate per 1,000 rows of the graph, from --ef-search up to this.
    #[arg(long, default_value_t = entity::search::DEFAULT_WHOLE_TABLE_EF_SEARCH)]
    whole_table_ef_search: u32,
    /// ef_search values of the sweep, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "40,64,100,128,160,200")]
    ef_sweep: Vec<u32>,
    /// Tenant size up to which the helper's Auto strategy searches exactly.
    #[arg(long, default_value_t = entity::search::DEFAULT_EXACT_MAX_ROWS)]
    exact_max_rows: u32,
    /// Rows above which the maintenance gives a tenant its own HNSW index (default:
    /// --exact-max-rows).
    #[arg(long)]
    tenant_index_above: Option<u64>,
    /// Load rounds (raw and ours alternate; the best of each counts).
    #[arg(long, default_value_t = 2)]
    load_rounds: usize,
    /// Skip figure 1's raw COPY baseline (the rows are encoded in memory first: 6 GB at 1M).
    #[arg(long)]
    no_load_baseline: bool,
    /// Walk the filtered table graph for the fixed-share tenants only: the others are searched
    /// after the tenant-index maintenance only, and forced to HNSW only if they got an index.
    #[arg(long)]
    table_graph_fixed_only: bool,
    /// Skip the serial HNSW build (the baseline of figure 2).
    #[arg(long)]
    no_serial_baseline: bool,
    /// Runs of the migrate/replay and smoke figures (median).
    #[arg(long, default_value_t = 5)]
    repeats: usize,
    /// Campaign metrics of the isolation figures 8a-8c (row-level security cost); 0 skips them.
    #[arg(long, default_value_t = 1_000_000)]
    rls_rows: usize,
    /// Only the isolation figures 8a-8c.
    #[arg(long, conflicts_with = "no_rls")]
    only_rls: bool,
    /// Skip the isolation figures 8a-8c.
    #[arg(long)]
    no_rls: bool,
    /// pgbench clients of figure 8c.
    #[arg(long, default_value_t = 8)]
    pgbench_clients: u32,
    /// pgbench seconds of each run of figure 8c.
    #[arg(long, default_value_t = 20)]
    pgbench_seconds: u64,
    /// Rows per series of figure 9, online ingestion through the entities (0 skips it).
    #[arg(long, default_value_t = 2_000)]
    ingest_rows: usize,
    /// Rows of figure 9b (each put into the graphs on insert) and of figure 9c (the merge
    /// timed) (default: --ingest-rows)
    #[arg(long)]
    ingest_graph_rows: Option<usize>,
    /// Clusters of the synthetic embeddings (fewer: larger, harder clusters).
    #[arg(long, default_value_t = seeder::synth::SynthOptions::default().centroids)]
    centroids: usize,
    /// Noise of the synthetic embeddings relative to their centroid (wider: harder).
    #[arg(long, default_value_t = seeder::synth::SynthOptions::default().spread)]
    spread: f32,
    /// Measure only this many tenants below 1,000 rows (an even sample by size) in the tenant
    /// table; the larger ones are all measured (default: every tenant).
    #[arg(long)]
    small_tenants: Option<usize>,
    /// Figure 10: build the float32 baseline on this many rows when chunks has more, and scale
    /// its size by the rows (0: on the whole table).
    #[arg(long, default_value_t = 0)]
    storage_sample_rows: usize,
    /// Folder of psql, pg_dump and pgbench.
    #[arg(long)]
    pg_bin_dir: Option<PathBuf>,
    /// Print the report as JSON instead of Markdown.
    #[arg(long)]
    json: bool,
    /// Also write the Markdown report to this file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    neonhub_db::init_logging();
    let cli = Cli::parse();
    let json = cli.json;
    neonhub_db::exit_code(run(cli).await, json)
}

async fn run(cli: Cli) -> Result<()> {
    let url = cli.connect.url()?;
    let config = BenchConfig {
        database: cli.database,
        keep: cli.keep,
        orgs: cli.orgs,
        shares: cli.shares,
        chunks: cli.chunks,
        messages: cli.messages,
        seed: cli.seed,
        queries: cli.queries.max(1),
        tenant_queries: cli.tenant_queries.max(1),
        k: 10,
        ef_search: cli.ef_search,
        whole_table_ef_search: cli.whole_table_ef_search,
        ef_sweep: cli.ef_sweep,
        exact_max_rows: cli.exact_max_rows,
        tenant_index_above: cli.tenant_index_above,
        load_rounds: cli.load_rounds.max(1),
        load_baseline: !cli.no_load_baseline,
        serial_build_baseline: !cli.no_serial_baseline,
        repeats: cli.repeats.max(1),
        rls_rows: if cli.no_rls { 0 } else { cli.rls_rows },
        rls_only: cli.only_rls,
        pgbench_clients: cli.pgbench_clients.max(1),
        pgbench_seconds: cli.pgbench_seconds.max(1),
        ingest_rows: cli.ingest_rows,
        ingest_graph_rows: cli.ingest_graph_rows,
        centroids: cli.centroids.max(1),
        spread: cli.spread,
        small_tenants: cli.small_tenants,
        storage_sample_rows: cli.storage_sample_rows,
        table_graph_all_tenants: !cli.table_graph_fixed_only,
    };
    if config.database == url.database() {
        anyhow::bail!(
            "--database {} is the database of DATABASE_URL: the benchmark drops its database, \
             so name another",
            config.database
        );
    }
    let server = Server::new(url.clone(), cli.connect.timeout());
    let tools = PgTools::find(cli.pg_bin_dir.as_deref());
    eprintln!(
        "bench: {} chunks, {} messages on {} (database {})",
        config.chunks,
        config.messages,
        url.target(),
        config.database
    );
    // Seconds since the start on every line: the phases of a long run are read from the log.
    let started = std::time::Instant::now();
    let log = |line: &str| eprintln!("bench: [{:>5.0} s] {line}", started.elapsed().as_secs_f64());
    let report = bench::run(&server, &config, tools.as_ref(), &log)
        .await
        .with_context(|| format!("benchmark on {url}"))?;
    let markdown = render_markdown(&report);
    if let Some(path) = &cli.out {
        std::fs::write(path, &markdown).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("bench: wrote {}", path.display());
    }
    if cli.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the report")?
        );
    } else {
        print!("{markdown}");
    }
    Ok(())
}
