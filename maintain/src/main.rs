//! `vector-maintain`: merge the rows waiting outside the HNSW graph, give every large tenant its
//! own HNSW index, drop those no longer needed.
//!
//! ```text
//! make vector-maintain                          # plan, apply, verify
//! make vector-maintain ARGS=--dry-run           # only print what it would do
//! make vector-maintain ARGS="--json"            # the report as JSON
//! cargo run --release -p maintain --bin vector-maintain -- --help
//! ```
//!
//! New rows of `chunks` and `messages` wait outside the HNSW graph (inserts stay fast, searches
//! scan them exactly): a run first merges them into it in batches of 1,000, so schedule it
//! every few minutes where rows arrive steadily (`make doctor` warns when many wait).
//! A tenant with more rows in `chunks` or `messages` than `--index-above` (default: the
//! search's exact threshold, so that every tenant `Auto` searches through HNSW has an index)
//! gets a partial HNSW index `<table>_org_hnsw_<org>`; an index whose tenant fell to
//! `--keep-above` rows or fewer is dropped; INVALID leftovers of failed builds are rebuilt.
//! Indexes are built and dropped CONCURRENTLY (writes go on), under the `vector_maintain` lock
//! (table `neonhub_locks.vector_maintain`, held by an open transaction: two runs never overlap,
//! the application login cannot take it), each build with the parallel workers the server
//! allows and the memory its tenant's rows need. Idempotent: safe to run from cron, e.g.
//! hourly. Exits non-zero when an action fails (run it again) and when a new plan after the run
//! still finds work. The database comes from `--database-url`, else `DIRECT_DATABASE_URL`,
//! `DATABASE_URL_UNPOOLED` or `DATABASE_URL` (environment, then `.env`).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result, bail};
use clap::Parser;
use entity::search::tenant_index::TenantIndexPolicy;
use maintain::{ApplyOptions, Done, RunOptions};
use neonhub_db::cli::ConnectArgs;
use std::time::Duration;

#[derive(Parser)]
#[command(
    version,
    about = "Merge waiting rows into the HNSW graphs; create and drop the tenant HNSW indexes"
)]
struct Cli {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Print the plan and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// A tenant with more rows than this in a table gets an index.
    #[arg(long, default_value_t = TenantIndexPolicy::default().index_above)]
    index_above: u64,
    /// An index is kept while its tenant has more rows than this (default: half of
    /// --index-above).
    #[arg(long)]
    keep_above: Option<u64>,
    /// At most this many tenant indexes per table (largest tenants first).
    #[arg(long, default_value_t = TenantIndexPolicy::default().max_per_table)]
    max_per_table: usize,
    /// Seconds a build may wait for the transactions writing the table when it starts.
    #[arg(long, default_value_t = 60)]
    lock_timeout: u64,
    /// Seconds to wait for the vector_maintain lock (held by another vector-maintain's run).
    #[arg(long, default_value_t = 600)]
    lock_wait: u64,
    /// The most maintenance_work_mem a build may take, e.g. 4GB (default: the server's);
    /// each build asks for about 8 kB per row of its tenant, within this.
    #[arg(long)]
    maintenance_work_mem: Option<String>,
    /// Parallel workers per build beside its own backend (default: the server's
    /// max_parallel_maintenance_workers); 0 builds serially.
    #[arg(long)]
    parallel_workers: Option<u32>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    neonhub_db::init_logging();
    let cli = Cli::parse();
    let json = cli.json;
    neonhub_db::exit_code(maintain_indexes(cli).await, json)
}

async fn maintain_indexes(cli: Cli) -> Result<()> {
    let url = cli.connect.writer_url("vector-maintain")?;
    let options = RunOptions {
        policy: TenantIndexPolicy {
            index_above: cli.index_above,
            keep_above: cli.keep_above.unwrap_or(cli.index_above / 2),
            max_per_table: cli.max_per_table,
        },
        apply: ApplyOptions {
            lock_timeout: Duration::from_secs(cli.lock_timeout),
            maintenance_work_mem: cli.maintenance_work_mem.clone(),
            parallel_workers: cli.parallel_workers,
        },
        dry_run: cli.dry_run,
        connect_timeout: cli.connect.timeout(),
        lock_wait: Duration::from_secs(cli.lock_wait),
    };
    let json = cli.json;
    let progress = |done: &Done| {
        if !json {
            println!("{} in {:.1}s", done.action, done.seconds);
        }
    };
    let report = maintain::run(&url, &options, progress)
        .await
        .with_context(|| format!("maintaining the tenant vector indexes of {url}"))?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the report")?
        );
    } else {
        if report.dry_run {
            for action in &report.plan.actions {
                println!("would {action}");
            }
        }
        for kept in &report.plan.kept {
            println!(
                "keep {} ({} rows, {:.1} MB)",
                kept.index,
                kept.rows,
                kept.bytes as f64 / 1e6
            );
        }
        println!(
            "{} on {url}: {} action(s){}, {} index(es) kept, {:.1}s",
            if report.dry_run {
                "vector-maintain --dry-run"
            } else {
                "vector-maintain"
            },
            report.plan.actions.len(),
            if report.dry_run { " planned" } else { " done" },
            report.plan.kept.len(),
            report.seconds
        );
        if !report.plan.over_cap.is_empty() {
            println!(
                "warning: {} tenant(s) above {} rows have no index, the cap of {} per table is \
                 full (their searches walk the table's graph: low recall); raise --max-per-table",
                report.plan.over_cap.len(),
                report.plan.policy.index_above,
                report.plan.policy.max_per_table
            );
        }
        if report.waiting_after > 0 {
            println!(
                "{} row(s) arrived during the run: the next run merges them",
                report.waiting_after
            );
        }
    }
    if !report.pending_after.is_empty() {
        bail!(
            "after the run, {} action(s) are still due (rows changed meanwhile?): run \
             vector-maintain again",
            report.pending_after.len()
        );
    }
    Ok(())
}
