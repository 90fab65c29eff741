//! `seeder`: fills a migrated NeonHub database with the demo fixtures (the `NeonHub`
//! organization, its users, roles, brand, agents, tools, conversation, dataset, campaign and
//! the omni-channel connector catalogue).
//!
//! Run it as `make seed`, or `cargo run -p seeder -- [--database-url URL] [--json] [--dry-run]`.
//!
//! - Idempotent: rows are upserted by their natural keys; a second run reports
//!   `0 created, 0 updated, N unchanged` and writes nothing, not even an audit entry.
//! - Transactional: one transaction; any failure leaves the database as it was.
//! - Concurrent runs wait for each other on an advisory lock and all succeed.
//! - Refuses to run while migrations are pending (run `make migrate` first).
//! - `--dry-run` does the work, prints what would be written and rolls back.
//! - `--json` prints the report as one JSON object on stdout (or `{"error": ...}` on failure).
//!
//! The database comes from `--database-url`, `DATABASE_URL`, or `.env`, in that order. The exit
//! code is 0 on success and 1 on any failure; error messages never show a password.

use anyhow::{Context, Result};
use clap::Parser;
use neonhub_db::{DatabaseUrl, redact};
use seeder::{SeedOptions, SeedReport};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    version,
    about = "Fill a migrated NeonHub database with the demo fixtures (idempotent, transactional)"
)]
struct Cli {
    /// Postgres URL; defaults to DATABASE_URL from the environment or .env.
    #[arg(long)]
    database_url: Option<String>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Show what would be written, then roll back.
    #[arg(long)]
    dry_run: bool,
    /// Seconds to wait when connecting.
    #[arg(long, default_value_t = 10)]
    connect_timeout: u64,
    /// Seconds to wait for another seeder to finish (0 waits forever).
    #[arg(long, env = "SEED_LOCK_TIMEOUT", default_value_t = 60)]
    lock_timeout: u64,
    /// Fail on purpose after writing this table's fixtures (tests the rollback).
    #[arg(long, hide = true, value_name = "TABLE")]
    fail_after: Option<String>,
    /// Pause (30 s) inside the transaction after writing this table's fixtures, printing
    /// `paused after TABLE` to stderr (tests killing the seeder midway).
    #[arg(long, hide = true, value_name = "TABLE")]
    pause_after: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let message = redact(&format!("{err:#}"));
            if json {
                println!("{}", serde_json::json!({ "error": message }));
            }
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let url = DatabaseUrl::resolve(cli.database_url.as_deref())?;
    let db = neonhub_db::connect(&url, Duration::from_secs(cli.connect_timeout), 1).await?;
    let options = SeedOptions {
        dry_run: cli.dry_run,
        lock_timeout: Duration::from_secs(cli.lock_timeout),
        fail_after: cli.fail_after,
        pause_after: cli.pause_after,
    };
    let seeded = seeder::seed(&db, &options).await;
    db.close().await.ok();
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
