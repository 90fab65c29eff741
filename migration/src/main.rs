//! `migration`: applies, rolls back and lists the NeonHub schema migrations.
//!
//! Run it as `cargo run -p migration -- <command>` or through make:
//! `make migrate` (up), `make migrate-status`, `make migrate-down` (one step), `make migrate-fresh`.
//!
//! Commands: `up [-n N]`, `down [-n N]` (default one step), `status`, `fresh` (drop everything,
//! then up), `refresh` (down all, then up), `reset` (down all). Every command that changes the
//! schema holds the migration advisory lock for its whole run, so concurrent migrators wait
//! for each other instead of racing. The database comes from `--database-url`, `DATABASE_URL`,
//! or `.env`.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait, PGVECTOR_MISSING};
use neonhub_db::{AdvisoryLock, DatabaseUrl};
use std::time::{Duration, Instant};

/// Name the migration lock key is derived from (shared by every NeonHub tool).
const LOCK_NAME: &str = "neonhub:migrations";

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

    if let Command::Status = cli.command {
        return status(&db).await;
    }
    if matches!(
        cli.command,
        Command::Up { .. } | Command::Fresh | Command::Refresh
    ) && !neonhub_db::pgvector_available(&db).await?
    {
        bail!("{PGVECTOR_MISSING}");
    }

    let lock = AdvisoryLock::acquire(
        &url,
        LOCK_NAME,
        timeout,
        Duration::from_secs(cli.lock_timeout),
    )
    .await
    .context("taking the migration lock")?;
    let started = Instant::now();
    let result = match cli.command {
        Command::Up { steps } => {
            check_not_ahead(&db).await?;
            let pending = Migrator::get_pending_migrations(&db).await?.len();
            Migrator::up(&db, steps).await.map(|_| {
                let applied = steps.map_or(pending, |s| pending.min(s as usize));
                format!("applied {applied} migration(s)")
            })
        }
        Command::Down { steps } => Migrator::down(&db, Some(steps))
            .await
            .map(|_| format!("rolled back up to {steps} migration(s)")),
        Command::Fresh => Migrator::fresh(&db).await.map(|_| "fresh schema".into()),
        Command::Refresh => Migrator::refresh(&db).await.map(|_| "refreshed".into()),
        Command::Reset => Migrator::reset(&db).await.map(|_| "reset".into()),
        Command::Status => unreachable!("handled above"),
    };
    lock.release().await?;
    let done = result.context("running migrations")?;
    println!(
        "{done} on {} in {:.2}s",
        url,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Refuse to work on a database that has migrations this build does not know.
async fn check_not_ahead(db: &sea_orm_migration::sea_orm::DatabaseConnection) -> Result<()> {
    let unknown = unknown_applied(db).await?;
    if !unknown.is_empty() {
        bail!(
            "the database has applied migrations this build does not know: {}. \
             It is ahead of this checkout: update your checkout (git pull) before migrating",
            unknown.join(", ")
        );
    }
    Ok(())
}

async fn unknown_applied(
    db: &sea_orm_migration::sea_orm::DatabaseConnection,
) -> Result<Vec<String>> {
    Migrator::install(db).await?;
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    Ok(Migrator::get_migration_models(db)
        .await?
        .into_iter()
        .map(|m| m.version)
        .filter(|v| !known.contains(v))
        .collect())
}

async fn status(db: &sea_orm_migration::sea_orm::DatabaseConnection) -> Result<()> {
    let unknown = unknown_applied(db).await?;
    let migrations = Migrator::get_migration_with_status(db).await?;
    let width = migrations.iter().map(|m| m.name().len()).max().unwrap_or(0);
    let mut pending = 0;
    for m in &migrations {
        let state = m.status().to_string();
        if state == "Pending" {
            pending += 1;
        }
        println!("{:width$}  {}", m.name(), state.to_lowercase());
    }
    for name in &unknown {
        println!("{name:width$}  applied, unknown to this build");
    }
    println!(
        "{} migrations: {} applied, {pending} pending{}",
        migrations.len(),
        migrations.len() - pending,
        if unknown.is_empty() {
            String::new()
        } else {
            format!(", {} unknown", unknown.len())
        }
    );
    Ok(())
}
