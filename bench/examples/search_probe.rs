//! `search_probe`: the Rust side of the TypeScript search benchmark (`make bench-ts`,
//! clients/ts/bench/bench.ts), on a database loaded by `seeder synth` with the same options.
//!
//! ```text
//! search_probe prepare --chunks 100000 --orgs 12 --shares 0.001,0.01,0.11,0.5 --queries 30 --out q.json
//! search_probe time --input q.json --out rust.json
//! ```
//!
//! - `prepare` (as the owner, `DATABASE_URL`): the benchmark's query vectors of the synthetic
//!   plan (`SynthPlan::queries`, as `make bench` uses them), and for every tenant the exact
//!   nearest chunks of each (index scans off): the reference of the recalls.
//! - `time` (as the application login, `DATABASE_APP_URL`, with a worker ticket of
//!   `NEONHUB_TICKET_KEYS`): each tenant's queries through `entity::tenant::with_tenant` and
//!   `entity::search::nearest_chunks` with the default options, one transaction per query (what
//!   an API request does): a warm-up pass, then the timed pass; the milliseconds and ids of each.
//!
//! JSON in and out; one summary line on stderr. Passwords are never printed.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use entity::search::{SearchOptions, nearest_chunks};
use entity::tenant::{TicketKeys, with_tenant};
use neonhub_db::DatabaseUrl;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use seeder::synth::{SynthOptions, SynthPlan};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(Parser)]
#[command(about = "Rust side of the TypeScript search benchmark (make bench-ts)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Query vectors and exact nearest chunks of every tenant (as the owner).
    Prepare {
        #[command(flatten)]
        synth: Synth,
        /// Queries per tenant.
        #[arg(long, default_value_t = 30)]
        queries: usize,
        /// Neighbours per query.
        #[arg(long, default_value_t = 10)]
        k: usize,
        /// Write the JSON here.
        #[arg(long)]
        out: PathBuf,
    },
    /// Time entity::search inside with_tenant for the prepared queries (as the application).
    Time {
        /// The output of `prepare`.
        #[arg(long)]
        input: PathBuf,
        /// Write the JSON here.
        #[arg(long)]
        out: PathBuf,
    },
}

/// The options of the `seeder synth` load (its flags and defaults).
#[derive(clap::Args)]
struct Synth {
    #[arg(long, default_value_t = 10)]
    orgs: usize,
    #[arg(long, value_delimiter = ',', default_value = "0.01")]
    shares: Vec<f64>,
    #[arg(long, default_value_t = 100_000)]
    chunks: usize,
    #[arg(long, default_value_t = 10_000)]
    messages: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value_t = 256)]
    centroids: usize,
}

/// One tenant's queries and their exact answers.
#[derive(Serialize, Deserialize)]
struct PreparedTenant {
    organization_id: Uuid,
    slug: String,
    rows: usize,
    queries: Vec<Vec<f32>>,
    exact: Vec<Vec<Uuid>>,
}

#[derive(Serialize, Deserialize)]
struct Prepared {
    k: usize,
    tenants: Vec<PreparedTenant>,
}

/// One tenant's timed series.
#[derive(Serialize)]
struct Timed {
    organization_id: Uuid,
    ms: Vec<f64>,
    ids: Vec<Vec<Uuid>>,
    strategy: String,
    hnsw_index: Option<String>,
    ef_search: Option<u32>,
}

const TIMEOUT: Duration = Duration::from_secs(30);

async fn prepare(synth: Synth, queries: usize, k: usize, out: PathBuf) -> Result<()> {
    let plan = SynthPlan::new(SynthOptions {
        orgs: synth.orgs,
        shares: synth.shares,
        chunks: synth.chunks,
        messages: synth.messages,
        seed: synth.seed,
        centroids: synth.centroids,
        ..SynthOptions::default()
    })?;
    let url = DatabaseUrl::resolve(None).context("DATABASE_URL (the owner)")?;
    let db = neonhub_db::connect(&url, TIMEOUT, 1).await?;
    let vectors = plan.queries(queries);
    let mut tenants = Vec::new();
    for tenant in plan.tenants().iter().filter(|t| t.chunks > 0) {
        let mut exact = Vec::new();
        for q in &vectors {
            let txn = db.begin().await?;
            txn.execute_unprepared(
                "SET LOCAL enable_indexscan = off; SET LOCAL plan_cache_mode = force_custom_plan",
            )
            .await?;
            let rows = txn
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT id FROM chunks WHERE organization_id = $2 AND embedding IS NOT NULL \
                     ORDER BY embedding <=> $1 LIMIT $3",
                    [
                        pgvector::Vector::from(q.clone()).into(),
                        tenant.id.into(),
                        i64::try_from(k)?.into(),
                    ],
                ))
                .await?;
            txn.rollback().await?;
            exact.push(
                rows.iter()
                    .map(|r| r.try_get::<Uuid>("", "id"))
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        if exact.iter().all(Vec::is_empty) {
            bail!(
                "tenant {} has no chunks in this database: load it with `seeder synth` and the same options",
                tenant.slug
            );
        }
        tenants.push(PreparedTenant {
            organization_id: tenant.id,
            slug: tenant.slug.clone(),
            rows: tenant.chunks,
            queries: vectors.clone(),
            exact,
        });
    }
    std::fs::write(&out, serde_json::to_vec(&Prepared { k, tenants })?)
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "search_probe: {} tenants, {queries} queries each",
        plan.tenants().len()
    );
    Ok(())
}

async fn time(input: PathBuf, out: PathBuf) -> Result<()> {
    let prepared: Prepared = serde_json::from_slice(
        &std::fs::read(&input).with_context(|| format!("reading {}", input.display()))?,
    )?;
    let url = DatabaseUrl::resolve_app(None).context("DATABASE_APP_URL (the application login)")?;
    let app = neonhub_db::connect(&url, TIMEOUT, 2).await?;
    let keys = TicketKeys::from_env().context("NEONHUB_TICKET_KEYS")?;
    let options = SearchOptions::default().k(u32::try_from(prepared.k)?);
    let mut timed = Vec::new();
    for tenant in &prepared.tenants {
        let org = tenant.organization_id;
        let mut series = Timed {
            organization_id: org,
            ms: Vec::new(),
            ids: Vec::new(),
            strategy: String::new(),
            hnsw_index: None,
            ef_search: None,
        };
        for pass in 0..2 {
            for q in &tenant.queries {
                let query = entity::vector::embedding(q.clone())?;
                let credential = keys.signing().worker(org);
                let started = Instant::now();
                let found = with_tenant(&app, &credential, |txn| {
                    let query = query.clone();
                    Box::pin(async move {
                        nearest_chunks(txn, org, None, &query, &options)
                            .await
                            .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))
                    })
                })
                .await?;
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                if pass == 1 {
                    series.ms.push(ms);
                    series
                        .ids
                        .push(found.neighbors.iter().map(|n| n.model.id).collect());
                    series.strategy = found.strategy.to_string();
                    series.hnsw_index = found
                        .hnsw_index
                        .map(|i| format!("{i:?}").to_ascii_lowercase());
                    series.ef_search = found.ef_search;
                }
            }
        }
        timed.push(series);
    }
    std::fs::write(&out, serde_json::to_vec(&timed)?)
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("search_probe: timed {} tenants", timed.len());
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Prepare {
            synth,
            queries,
            k,
            out,
        } => prepare(synth, queries, k, out).await,
        Command::Time { input, out } => time(input, out).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("search_probe: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
