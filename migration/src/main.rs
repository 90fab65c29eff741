//! `migration`: applies, rolls back and lists the NeonHub schema migrations.
//!
//! Run it as `cargo run -p migration -- <command>` or through make:
//! `make migrate` (up), `make migrate-status`, `make migrate-down` (one step), `make migrate-fresh`.
//!
//! Commands: `up [-n N]`, `down [-n N]` (default one step), `status`, `fresh` (drop everything,
//! then up), `refresh` (down all, then up), `reset` (down all), `restore-point NAME
//! [--if-permitted]` (a named point for point-in-time recovery, e.g. before a deploy). Every command that changes the
//! schema holds the `migrations` lock (table `neonhub_locks.migrations`, held by an open
//! transaction) for its whole run, so concurrent migrators wait for each other
//! (`--lock-timeout`) instead of racing, and a wait that runs out names the holder. `up` and
//! `status` refuse when an applied migration was edited since (`--accept-changed NAME` records
//! the new checksum) or when the database is ahead of this build. The database comes from
//! `--database-url`, else `DIRECT_DATABASE_URL`, `DATABASE_URL_UNPOOLED` or `DATABASE_URL`
//! (environment, then `.env`); a URL that looks pooled is warned about.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use migration::runner::{self, Action, RunOptions};
use migration::state::{self, MigrationStatus};
use neonhub_db::DatabaseUrl;
use neonhub_db::cli::ConnectArgs;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    version,
    about = "Apply, roll back and list the NeonHub schema migrations"
)]
struct Cli {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Seconds to wait for the migrations lock (held by another migrator's run).
    #[arg(
        long,
        global = true,
        env = "MIGRATION_LOCK_TIMEOUT",
        default_value_t = 60
    )]
    lock_timeout: u64,
    /// Seconds a migration statement may wait for a table lock before the migration fails
    /// (and is rolled back, ready to retry).
    #[arg(
        long,
        global = true,
        env = "MIGRATION_DDL_LOCK_TIMEOUT",
        default_value_t = 5
    )]
    ddl_lock_timeout: u64,
    /// Seconds a migration statement may run.
    #[arg(
        long,
        global = true,
        env = "MIGRATION_STATEMENT_TIMEOUT",
        default_value_t = 300
    )]
    statement_timeout: u64,
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
    /// Create a named restore point (before a deploy): a point-in-time restore can stop there.
    /// Needs a superuser or EXECUTE on pg_create_restore_point.
    RestorePoint {
        /// Its name, e.g. before-deploy-<run id>.
        name: String,
        /// Where the role may not create one (managed services), print the time and WAL
        /// position to restore to instead, and succeed.
        #[arg(long)]
        if_permitted: bool,
    },
    /// Write the SQL each migration executes (up and down) to DIR/<name>.up.sql / .down.sql,
    /// captured by running them on a scratch database created (and dropped) on the server.
    RenderSql {
        /// Output folder.
        #[arg(long, default_value = "migration/sql")]
        out: std::path::PathBuf,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    neonhub_db::init_logging();
    neonhub_db::exit_code(run(Cli::parse()).await, false)
}

async fn run(cli: Cli) -> Result<()> {
    let url = cli.connect.writer_url("migration")?;
    let timeout = cli.connect.timeout();
    let db = neonhub_db::connect(&url, timeout, 1).await?;
    let action = match cli.command {
        Command::Status => return status(&db).await,
        Command::RestorePoint { name, if_permitted } => {
            return restore_point(&db, &name, if_permitted).await;
        }
        Command::RenderSql { out } => return render_sql(&url, &db, &out).await,
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
        ddl_lock_timeout: Duration::from_secs(cli.ddl_lock_timeout),
        statement_timeout: Duration::from_secs(cli.statement_timeout),
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
    let states = state::read(db)
        .await
        .context("reading the migration state")?;
    let width = states.iter().map(|m| m.name.len()).max().unwrap_or(0);
    for m in &states {
        println!("{:width$}  {}", m.name, m.status);
    }
    let count = |s: MigrationStatus| states.iter().filter(|m| m.status == s).count();
    let (pending, changed, unknown) = (
        count(MigrationStatus::Pending),
        count(MigrationStatus::ChangedSinceApplied),
        count(MigrationStatus::UnknownToThisBuild),
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

async fn restore_point(
    db: &sea_orm_migration::sea_orm::DatabaseConnection,
    name: &str,
    if_permitted: bool,
) -> Result<()> {
    use neonhub_db::recovery::{create_restore_point, current_point};
    neonhub_db::require_primary(db).await?;
    match create_restore_point(db, name).await {
        Ok(point) => {
            println!(
                "restore point '{name}' at {} ({})",
                point.lsn.unwrap_or_default(),
                point.time
            );
            Ok(())
        }
        Err(err) if if_permitted => {
            let point = current_point(db)
                .await
                .context("reading the current time")?;
            println!(
                "no restore point ({}): restore to TIME={}{} instead",
                neonhub_db::describe(&err),
                point.time,
                point
                    .lsn
                    .map(|l| format!(" or LSN={l}"))
                    .unwrap_or_default()
            );
            Ok(())
        }
        Err(err) => Err(anyhow::anyhow!(
            "creating the restore point '{name}': {} (run it as a superuser or grant EXECUTE \
             on pg_create_restore_point; --if-permitted prints the time to restore to instead)",
            neonhub_db::describe(&err)
        )),
    }
}

async fn render_sql(
    url: &DatabaseUrl,
    db: &sea_orm_migration::sea_orm::DatabaseConnection,
    out: &std::path::Path,
) -> Result<()> {
    use sea_orm_migration::sea_orm::ConnectionTrait;
    let scratch = format!("neonhub_render_{}", std::process::id());
    db.execute_unprepared(&format!("CREATE DATABASE \"{scratch}\""))
        .await
        .context("creating the scratch database (the user needs CREATEDB)")?;
    let rendered = migration::render::render(&url.with_database(&scratch)).await;
    db.execute_unprepared(&format!("DROP DATABASE \"{scratch}\" WITH (FORCE)"))
        .await
        .context("dropping the scratch database")?;
    let rendered = rendered.context("running the migrations on the scratch database")?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for m in &rendered {
        for suffix in ["up", "down"] {
            let path = out.join(format!("{}.{suffix}.sql", m.name));
            std::fs::write(&path, migration::render::file_contents(m, suffix))
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    println!(
        "wrote the SQL of {} migrations to {}",
        rendered.len(),
        out.display()
    );
    Ok(())
}
