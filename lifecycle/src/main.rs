//! `lifecycle`: data lifecycle commands. Today: `purge`, the retention policy applied.
//!
//! ```text
//! make purge                               # delete what the policy says is past its window
//! make purge ARGS=--dry-run                # per table, what would be deleted
//! make purge ARGS="--json"                 # the report as JSON
//! RETENTION_AUDIT_LOGS="400 days" make purge   # this environment's audit-log window
//! cargo run -p lifecycle -- purge --help
//! ```
//!
//! The policy is `lifecycle/retention.toml` (built in). Rows are deleted oldest first in
//! batches (`--batch-rows`, one short transaction each, `--lock-timeout`, `--pause-ms` between
//! batches); the audit log through the database's privileged `audit_logs_purge()`, never below
//! 30 days. Interrupt it at any time and run it again: it ends in the same state. Refuses a read
//! replica. Prints one summary line (or `--json`); exits non-zero on failure. The database comes
//! from `--database-url`, `DATABASE_URL`, or `.env` (the owner).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use lifecycle::{Policy, PurgeOptions};
use neonhub_db::cli::ConnectArgs;
use std::time::Duration;

#[derive(Parser)]
#[command(version, about = "Data lifecycle: apply the retention policy")]
struct Cli {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Print the report as JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Delete the rows past their retention window (lifecycle/retention.toml).
    Purge {
        /// Count what would be deleted per table; delete nothing.
        #[arg(long)]
        dry_run: bool,
        /// Rows per batch (one transaction).
        #[arg(long, default_value_t = PurgeOptions::default().batch_rows)]
        batch_rows: u32,
        /// Milliseconds to pause between batches.
        #[arg(long, default_value_t = 20)]
        pause_ms: u64,
        /// Seconds a batch may wait for a lock before it is retried.
        #[arg(long, default_value_t = 2)]
        lock_timeout: u64,
        /// Stop after this many batches (a partial run; run again to finish).
        #[arg(long)]
        max_batches: Option<u64>,
    },
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    neonhub_db::init_logging();
    let cli = Cli::parse();
    let json = cli.json;
    neonhub_db::exit_code(run(cli).await, json)
}

async fn run(cli: Cli) -> Result<()> {
    let url = cli.connect.url()?;
    let db = neonhub_db::connect(&url, cli.connect.timeout(), 1).await?;
    match cli.command {
        Command::Purge {
            dry_run,
            batch_rows,
            pause_ms,
            lock_timeout,
            max_batches,
        } => {
            let options = PurgeOptions {
                batch_rows: batch_rows.max(1),
                pause: Duration::from_millis(pause_ms),
                lock_timeout: Duration::from_secs(lock_timeout),
                max_batches,
                dry_run,
            };
            let report = lifecycle::purge(&db, &Policy::builtin(), &options)
                .await
                .with_context(|| format!("purge on {url}"))?;
            if cli.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for t in report.tables.iter().filter(|t| t.rows > 0) {
                    eprintln!(
                        "{:<20} {:>10} rows  {:>5} batches  {:>7.2}s  (older than {}: {})",
                        t.table, t.rows, t.batches, t.seconds, t.cutoff, t.window
                    );
                }
                println!("{} on {url}", report.summary());
            }
            Ok(())
        }
    }
}
