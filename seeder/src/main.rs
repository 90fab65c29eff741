//! `seeder`: fills a migrated NeonHub database with the demo fixtures (the `NeonHub`
//! organization, its users, roles, brand, agents, tools, conversation, dataset, campaign and
//! the omni-channel connector catalogue).
//!
//! Run it as `make seed`, or `cargo run -p seeder -- [--database-url URL] [--json] [--dry-run]`.
//!
//! - Idempotent: rows are upserted by their natural keys; a second run reports
//!   `0 created, 0 updated, N unchanged` and writes nothing, not even an audit entry.
//! - Transactional: one transaction; any failure leaves the database as it was.
//! - Concurrent runs wait for each other on the `seed` lock (table `neonhub_locks.seed`, held by
//!   an open transaction of its own) and all succeed; a wait past `--lock-timeout` names the
//!   holder.
//! - Refuses to run while migrations are pending (run `make migrate` first).
//! - `--dry-run` does the work, prints what would be written and rolls back.
//! - `--json` prints the report as one JSON object on stdout (or `{"error": ...}` on failure).
//!
//! `seeder synth` generates and bulk-loads synthetic data at scale instead (see
//! `seeder::synth`): `cargo run --release -p seeder -- synth --orgs 10 --chunks 100000
//! --messages 10000 --seed 42` (or `make synth`). Organizations of unequal size (one holds 1% of
//! the rows), clustered 1536-d embeddings, deterministic for a seed, loaded with binary `COPY`
//! in one transaction, with a progress bar on a terminal and log lines otherwise. `--replace`
//! reloads a seed loaded before; `--json` prints the report as JSON.
//!
//! `seeder ticket-keys` installs the API's ticket keys (`NEONHUB_TICKET_KEYS`, from the
//! environment or `.env`; see `entity::tenant::TicketKeys`) into the database and retires the
//! keys no longer listed: `make ticket-keys`.
//!
//! The database comes from `--database-url`, else `DIRECT_DATABASE_URL`,
//! `DATABASE_URL_UNPOOLED` or `DATABASE_URL` (environment, then `.env`), in that order. The exit
//! code is 0 on success and 1 on any failure; error messages never show a password.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use neonhub_db::DatabaseUrl;
use neonhub_db::cli::ConnectArgs;
use seeder::synth::{IndexMode, LoadOptions, ProgressMode, SynthOptions, SynthPlan};
use seeder::{SeedOptions, SeedReport};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    version,
    about = "Fill a migrated NeonHub database with the demo fixtures (idempotent, transactional)"
)]
struct Cli {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Show what would be written, then roll back.
    #[arg(long)]
    dry_run: bool,
    /// Seconds to wait for the seed lock (held by another seeder's run) and for row locks
    /// (0 waits forever).
    #[arg(long, env = "SEED_LOCK_TIMEOUT", default_value_t = 60)]
    lock_timeout: u64,
    /// Fail on purpose after writing this table's fixtures (tests the rollback).
    #[cfg(feature = "test-hooks")]
    #[arg(long, hide = true, value_name = "TABLE")]
    fail_after: Option<String>,
    /// Pause (30 s) inside the transaction after writing this table's fixtures, printing
    /// `paused after TABLE` to stderr (tests killing the seeder midway).
    #[cfg(feature = "test-hooks")]
    #[arg(long, hide = true, value_name = "TABLE")]
    pause_after: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Generate and bulk-load synthetic data at scale (binary COPY, clustered embeddings).
    Synth(SynthArgs),
    /// Install the API's ticket keys (NEONHUB_TICKET_KEYS) and retire the others.
    TicketKeys {
        /// Print the result as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
struct SynthArgs {
    /// Organizations (tenants); the first ones hold the --shares, the others share the rest.
    #[arg(long, default_value_t = 10)]
    orgs: usize,
    /// Fixed shares (0 to 1) of the rows held by tenants 0, 1, ... (comma-separated), e.g.
    /// `0.001,0.01,0.11,0.5`; the other tenants share the rest by a Zipf law.
    #[arg(long, value_delimiter = ',', default_value = "0.01")]
    shares: Vec<f64>,
    /// Chunks with embeddings, in total.
    #[arg(long, default_value_t = 100_000)]
    chunks: usize,
    /// Messages with embeddings, in total.
    #[arg(long, default_value_t = 10_000)]
    messages: usize,
    /// Seed: the same seed gives the same rows.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Clusters of the embeddings.
    #[arg(long, default_value_t = 256)]
    centroids: usize,
    /// Rows per COPY statement.
    #[arg(long, default_value_t = 20_000)]
    batch_rows: usize,
    /// Delete a previous load of the same seed first.
    #[arg(long)]
    replace: bool,
    /// What to do with the HNSW indexes during the load.
    #[arg(long, value_enum, default_value_t = IndexArg::Rebuild)]
    index: IndexArg,
    /// Skip VACUUM (ANALYZE) after the load.
    #[arg(long)]
    no_vacuum: bool,
    /// Progress display (auto: a bar on a terminal, log lines otherwise).
    #[arg(long, value_enum, default_value_t = ProgressArg::Auto)]
    progress: ProgressArg,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum IndexArg {
    /// Drop the HNSW indexes, load, build them again (fast).
    Rebuild,
    /// Keep them: every row goes into the graph as it arrives (slow).
    Keep,
    /// Drop them and leave them dropped.
    Drop,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProgressArg {
    Auto,
    Bar,
    Log,
    Quiet,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    neonhub_db::init_logging();
    let cli = Cli::parse();
    let json = match &cli.command {
        Some(Command::Synth(args)) => args.json,
        Some(Command::TicketKeys { json }) => *json,
        None => cli.json,
    };
    neonhub_db::exit_code(run(cli).await, json)
}

async fn run(mut cli: Cli) -> Result<()> {
    let url = cli.connect.writer_url("seeder")?;
    let timeout = cli.connect.timeout();
    match cli.command.take() {
        Some(Command::Synth(args)) => return synth(&url, timeout, args).await,
        Some(Command::TicketKeys { json }) => return ticket_keys(&url, timeout, json).await,
        None => {}
    }
    let db = neonhub_db::connect(&url, timeout, 1).await?;
    let options = SeedOptions {
        dry_run: cli.dry_run,
        lock_timeout: Duration::from_secs(cli.lock_timeout),
        #[cfg(feature = "test-hooks")]
        fail_after: cli.fail_after,
        #[cfg(feature = "test-hooks")]
        pause_after: cli.pause_after,
    };
    let seeded = seeder::seed(&db, &options).await;
    neonhub_db::close(db).await.ok();
    let report = seeded.with_context(|| format!("seeding {url}"))?;
    if cli.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the report")?
        );
    } else {
        print_report(&url, &report);
    }
    Ok(())
}

fn print_report(url: &DatabaseUrl, report: &SeedReport) {
    println!("{report}");
    let seconds = report.elapsed_ms as f64 / 1000.0;
    if report.dry_run {
        println!(
            "dry run on {url}: would write {}; rolled back, nothing written ({seconds:.2}s)",
            report.summary()
        );
    } else {
        println!("seeded {url}: {} in {seconds:.2}s", report.summary());
    }
}

/// `NEONHUB_TICKET_KEYS` from the environment, else from `.env`.
fn ticket_keys_spec() -> Option<String> {
    let name = entity::tenant::TICKET_KEYS_ENV;
    if let Ok(spec) = std::env::var(name)
        && !spec.trim().is_empty()
    {
        return Some(spec);
    }
    dotenvy::dotenv_iter()
        .ok()?
        .flatten()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v)
}

async fn ticket_keys(url: &DatabaseUrl, timeout: Duration, json: bool) -> Result<()> {
    let name = entity::tenant::TICKET_KEYS_ENV;
    let spec = ticket_keys_spec().with_context(|| {
        format!(
            "{name} is not set: give the API's ticket keys as {name}=k1:<base64 of 32 bytes> \
             (make one with `openssl rand -base64 32`), in the environment or .env"
        )
    })?;
    let keys =
        entity::tenant::TicketKeys::parse(&spec).with_context(|| format!("reading {name}"))?;
    let db = neonhub_db::connect(url, timeout, 1).await?;
    let installed = keys
        .install(&db)
        .await
        .map_err(|e| anyhow::anyhow!(neonhub_db::describe(&e)));
    neonhub_db::close(db).await.ok();
    let (ids, retired) = installed.with_context(|| {
        format!("installing the ticket keys into {url} (run it as the owner, after `make migrate`)")
    })?;
    if json {
        println!(
            "{}",
            serde_json::json!({ "installed": ids, "signing": ids[0], "retired": retired })
        );
    } else {
        println!(
            "ticket keys on {url}: {} installed ({} signs), {} retired{}",
            ids.len(),
            ids[0],
            retired.len(),
            if retired.is_empty() {
                String::new()
            } else {
                format!(" ({})", retired.join(", "))
            }
        );
    }
    Ok(())
}

async fn synth(url: &DatabaseUrl, timeout: Duration, args: SynthArgs) -> Result<()> {
    let plan = SynthPlan::new(SynthOptions {
        orgs: args.orgs,
        shares: args.shares,
        chunks: args.chunks,
        messages: args.messages,
        seed: args.seed,
        centroids: args.centroids,
        ..SynthOptions::default()
    })?;
    let options = LoadOptions {
        batch_rows: args.batch_rows,
        index_mode: match args.index {
            IndexArg::Rebuild => IndexMode::Rebuild,
            IndexArg::Keep => IndexMode::Keep,
            IndexArg::Drop => IndexMode::Drop,
        },
        replace: args.replace,
        vacuum: !args.no_vacuum,
        progress: match args.progress {
            ProgressArg::Auto => ProgressMode::Auto,
            ProgressArg::Bar => ProgressMode::Bar,
            ProgressArg::Log => ProgressMode::Log,
            ProgressArg::Quiet => ProgressMode::Quiet,
        },
    };
    let db = neonhub_db::connect(url, timeout, 1).await?;
    let loaded = seeder::synth::load(&db, &plan, &options).await;
    neonhub_db::close(db).await.ok();
    let report = loaded.with_context(|| format!("loading synthetic data into {url}"))?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the report")?
        );
    } else {
        for table in &report.tables {
            println!(
                "{:<18} {:>9} rows  {:>7.2} s",
                table.table, table.rows, table.seconds
            );
        }
        for tenant in plan.tenants() {
            println!(
                "tenant {:>3}: {} ({}), {} chunks, {} messages",
                tenant.index, tenant.slug, tenant.id, tenant.chunks, tenant.messages
            );
        }
        println!(
            "synth seed {} into {url}: {}",
            report.seed,
            report.summary()
        );
    }
    Ok(())
}
