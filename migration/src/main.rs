//! `migration`: applies, rolls back and lists the NeonHub schema migrations.
//!
//! Run it as `cargo run -p migration -- <command>` or through make:
//! `make migrate` (up), `make migrate-status`, `make migrate-down` (one step), `make migrate-fresh`.
//!
//! Commands: `up [-n N]`, `down [-n N]` (default one step), `status`, `fresh` (drop everything,
//! then up), `refresh` (down all, then up), `reset` (down all). Every command that changes the
//! schema holds the migration advisory lock for its whole run, so concurrent migrators wait for
//! each other (`--lock-timeout`) instead of racing. `up` and `status` refuse when an applied
//! migration was edited since (`--accept-changed NAME` records the new checksum) or when the
//! database is ahead of this build. The database comes from `--database-url`, `DATABASE_URL`,
//! or `.env`.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use migration::runner::{self, Action, RunOptions};
use neonhub_db::DatabaseUrl;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    version,
    about = "Apply, roll back and list the NeonHub schema migrations"
)]
struct Cli {
    /// Postgres URL; defaults to DATABASE_URL from the environment or .env.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Seconds to wait when connecting.
    #[arg(long, global = true, default_value_t = 10)]
    connect_timeout: u64,
    /// Seconds to wait for another migrator to finish.
    #[arg(
        long,
        global = true,
        env = "MIGRATION_LOCK_TIMEOUT",
        default_value_t = 60
    )]
    lock_timeout: u64,
    /// Accept the edited source of this applied migration (records its new checksum).
    #[arg(long, global = true, value_name = "NAME")]
    accept_changed: Vec<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations (all, or the first N).
    Up {
        /// Apply at most this many.
        #[arg(short = 'n', long)]
        steps: Option<u32>,
    },
    /// Roll back applied migrations (one by default).
    Down {
        /// Roll back this many.
        #[arg(short = 'n', long, default_value_t = 1)]
        steps: u32,
    },
    /// List every migration with its state.
    Status,
    /// Drop every table and type, then apply all migrations.
    Fresh,
    /// Roll back all migrations, then apply them again.
    Refresh,
    /// Roll back all migrations.
    Reset,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,sea_orm_migration=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    if let Err(err) = run(Cli::parse()).await {
        eprintln!("error: {}", neonhub_db::redact(&format!("{err:#}")));
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<()> {
    let url = DatabaseUrl::resolve(cli.database_url.as_deref())?;
    let timeout = Duration::from_secs(cli.connect_timeout);
    let db = neonhub_db::connect(&url, timeout, 2).await?;
    let action = match cli.command {
        Command::Status => return status(&db).await,
        Command::Up { steps } => Action::Up(steps),
        Command::Down { steps } => Action::Down(steps),
        Command::Fresh => Action::Fresh,
        Command::Refresh => Action::Refresh,
        Command::Reset => Action::Reset,
    };
    let options = RunOptions {
        connect_timeout: timeout,
        lock_wait: Duration::from_secs(cli.lock_timeout),
        accept_changed: cli.accept_changed,
    };
    let started = Instant::now();
    let summary = runner::run(&url, &db, action, &options)
        .await
        .context("migration failed")?;
    println!(
        "{summary} on {url} in {:.2}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn status(db: &sea_orm_migration::sea_orm::DatabaseConnection) -> Result<()> {
    let states = runner::status(db).await?;
    let width = states.iter().map(|m| m.name.len()).max().unwrap_or(0);
    for m in &states {
        println!("{:width$}  {}", m.name, m.state);
    }
    let count = |s: &str| states.iter().filter(|m| m.state == s).count();
    let (pending, changed, unknown) = (
        count("pending"),
        count("applied, changed since"),
        count("applied, unknown to this build"),
    );
    println!(
        "{} migrations: {} applied, {pending} pending, {changed} changed, {unknown} unknown",
        states.len(),
        states.len() - pending
    );
    if changed > 0 {
        bail!(
            "applied migration(s) changed since they were applied: revert the edit and add a new \
             migration, or accept it with `--accept-changed <name>`"
        );
    }
    if unknown > 0 {
        bail!("the database is ahead of this build: update your checkout (git pull)");
    }
    Ok(())
}
