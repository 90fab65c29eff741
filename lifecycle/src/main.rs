//! `lifecycle`: data lifecycle commands: `export-user` and `erase-user` (GDPR) and `purge` (the
//! retention policy applied).
//!
//! ```text
//! make export-user WHO=<id or email>       # the JSON document on stdout
//! make erase-user WHO=… ARGS="--dry-run"    # per table: deleted, reassigned, kept, scrubbed
//! make erase-user WHO=… ARGS="--reassign-to colleague@example.com"
//! make export-user WHO=… ARGS="--out u.json"   # to a 0600 file, a summary line on stdout
//! make purge                               # delete what the policy says is past its window
//! make purge ARGS=--dry-run                # per table, what would be deleted
//! make purge ARGS="--json"                 # the report as JSON
//! RETENTION_AUDIT_LOGS="400 days" make purge   # this environment's audit-log window
//! cargo run -p lifecycle -- purge --help
//! ```
//!
//! `erase-user` refuses while the person owns organization data (listing it) unless
//! `--reassign-to` a member or `--delete-owned`; everything in one transaction.
//! `export-user` finds every row naming the user from the catalog's foreign keys, reads them in
//! one read-only REPEATABLE READ snapshot through cursors (bounded memory), withholds sealed
//! secrets and token/key hashes (named in the header). `purge`: the policy is
//! `lifecycle/retention.toml` (built in). Rows are deleted oldest first in
//! batches (`--batch-rows`, one short transaction each, `--lock-timeout`, `--pause-ms` between
//! batches); the audit log through the database's privileged `audit_logs_purge()`, never below
//! 30 days. Interrupt it at any time and run it again: it ends in the same state. Refuses a read
//! replica; two purges never overlap (the `purge` lock, table `neonhub_locks.purge`: a second
//! waits up to `--lock-wait`, then names the holder). Prints one summary line (or `--json`);
//! exits non-zero on failure. The database (the owner) comes from `--database-url`, else, for
//! `purge` and `erase-user` (they write), `DIRECT_DATABASE_URL`, `DATABASE_URL_UNPOOLED` or
//! `DATABASE_URL`, and for `export-user` (it reads) `DATABASE_URL`; each from the environment,
//! then `.env`.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use lifecycle::{Policy, PurgeOptions};
use neonhub_db::cli::ConnectArgs;
use std::time::Duration;

#[derive(Parser)]
#[command(
    version,
    about = "Data lifecycle: export a user's data, apply the retention policy"
)]
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
    /// Export every row naming a user (GDPR) as one JSON document: stdout, or --out FILE
    /// (created 0600). Reads one snapshot; writes nothing to the database.
    ExportUser {
        /// The user's id or email.
        user: String,
        /// Write the document to this file instead of stdout (a summary line goes to stdout).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Erase a user (GDPR) in one transaction: refuses while they own organization data unless
    /// --reassign-to or --delete-owned; audit entries are kept, scrubbed.
    EraseUser {
        /// The user's id or email.
        user: String,
        /// Give the organization data they own to this member (id or email).
        #[arg(long, conflicts_with = "delete_owned")]
        reassign_to: Option<String>,
        /// Delete the organization data they own (it is personal).
        #[arg(long)]
        delete_owned: bool,
        /// Do it all, report, roll back.
        #[arg(long)]
        dry_run: bool,
    },
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
        /// Seconds to wait for the purge lock (held by another purge's run).
        #[arg(long, default_value_t = 600)]
        lock_wait: u64,
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
    let url = match &cli.command {
        Command::ExportUser { .. } => cli.connect.url()?,
        Command::EraseUser { .. } => cli.connect.writer_url("lifecycle erase-user")?,
        Command::Purge { .. } => cli.connect.writer_url("lifecycle purge")?,
    };
    let db = neonhub_db::connect(&url, cli.connect.timeout(), 1).await?;
    // Closed only once every connection is back: behind a transaction pooler that commits the
    // last statement (neonhub_db::close).
    let outcome = run_command(&db, &url, cli.command, cli.json).await;
    neonhub_db::close(db).await.ok();
    outcome
}

/// The command `command` on `db` (`url` for messages).
async fn run_command(
    db: &sea_orm::DatabaseConnection,
    url: &neonhub_db::DatabaseUrl,
    command: Command,
    json: bool,
) -> Result<()> {
    match command {
        Command::ExportUser { user, out } => {
            let report = match &out {
                Some(path) => {
                    use std::os::unix::fs::OpenOptionsExt;
                    let file = std::fs::OpenOptions::new()
                        .write(true)
                        .create(true)
                        .truncate(true)
                        .mode(0o600)
                        .open(path)
                        .with_context(|| format!("creating {}", path.display()))?;
                    let mut writer = std::io::BufWriter::new(file);
                    lifecycle::export_user(db, &user, &mut writer).await?
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut writer = std::io::BufWriter::new(stdout.lock());
                    lifecycle::export_user(db, &user, &mut writer).await?
                }
            };
            let rows: u64 = report.rows.values().sum();
            let line = format!(
                "exported {rows} rows of user {} from {} tables ({} bytes{}){}",
                report.user_id,
                report.rows.len(),
                report.bytes,
                report
                    .peak_rss_kb
                    .map(|kb| format!(", peak memory {} MB", kb / 1024))
                    .unwrap_or_default(),
                out.as_ref()
                    .map(|p| format!(" to {}", p.display()))
                    .unwrap_or_default()
            );
            match (&out, json) {
                (Some(_), true) => println!("{}", serde_json::to_string_pretty(&report)?),
                (Some(_), false) => println!("{line}"),
                (None, _) => eprintln!("{line}"),
            }
            Ok(())
        }
        Command::EraseUser {
            user,
            reassign_to,
            delete_owned,
            dry_run,
        } => {
            let options = lifecycle::EraseOptions {
                reassign_to,
                delete_owned,
                dry_run,
                lock_timeout: None,
            };
            let report = lifecycle::erase_user(db, &user, &options).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for (what, rows) in [
                    ("deleted", &report.deleted),
                    ("reassigned", &report.reassigned),
                    ("kept without author", &report.unattributed),
                ] {
                    for (key, n) in rows {
                        eprintln!("{what:<20} {key:<40} {n:>8}");
                    }
                }
                println!("{}", report.summary());
            }
            Ok(())
        }
        Command::Purge {
            dry_run,
            batch_rows,
            pause_ms,
            lock_timeout,
            max_batches,
            lock_wait,
        } => {
            let options = PurgeOptions {
                batch_rows: batch_rows.max(1),
                pause: Duration::from_millis(pause_ms),
                lock_timeout: Duration::from_secs(lock_timeout),
                max_batches,
                dry_run,
                lock_wait: Duration::from_secs(lock_wait),
            };
            let report = lifecycle::purge(db, &Policy::builtin(), &options)
                .await
                .with_context(|| format!("purge on {url}"))?;
            if json {
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
