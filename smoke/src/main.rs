//! `smoke`: row counts of every NeonHub table, and `smoke doctor`, the readiness report.
//!
//! ```text
//! make smoke                         # aligned table: domain, table, rows, status, total
//! make smoke ARGS=--json             # one JSON object (`{"error": ...}` on failure)
//! make smoke ARGS=--expect-seeded    # also fail when a table the seed fills is empty
//! make doctor                        # Markdown readiness report on stdout
//! make doctor ARGS=--replica          # the same, against DATABASE_READ_URL (the read replica)
//! make doctor ARGS="--out docs/READINESS.md"
//! make docs                         # docs/SCHEMA.md, generated from the entities
//! make prisma-schema                 # prisma/schema.prisma, generated from the migrated schema
//! ```
//!
//! Read-only. The table list comes from the entity registry, so a new entity is counted
//! without touching this tool. Exits non-zero when a table cannot be counted (a missing table,
//! say), when `--expect-seeded` finds an empty seeded table, or when a required doctor check
//! fails. The database comes from `--database-url`, `DATABASE_URL`, or `.env`; with
//! `--replica`, from `DATABASE_READ_URL` (falling back to `DATABASE_URL`).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use neonhub_db::cli::ConnectArgs;
use std::time::Instant;

#[derive(Parser)]
#[command(
    version,
    about = "Row counts of every NeonHub table; `doctor` for the readiness report"
)]
struct Cli {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Also fail when a table that the seeder fills has no rows.
    #[arg(long)]
    expect_seeded: bool,
    /// Read from the replica: DATABASE_READ_URL (`make db-replica-up` writes it), falling back
    /// to DATABASE_URL when none is configured.
    #[arg(long, global = true)]
    replica: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Print the readiness report (Markdown) and fail if a required check fails.
    Doctor {
        /// Write the report to this file instead of stdout.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Write the schema reference (Markdown) generated from the entities and migrations; needs
    /// no database.
    SchemaDoc {
        /// Write it to this file instead of stdout.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Write the Prisma schema of the TypeScript client (prisma/schema.prisma), generated from
    /// the schema the migrations produce and prisma/names.toml, and the shape of entity::search
    /// its vector search replays (clients/ts/src/search-shape.ts, clients/ts/test/search-sql.json);
    /// needs no database.
    PrismaSchema {
        /// The workspace root the files are written under.
        #[arg(long, default_value = ".")]
        root: std::path::PathBuf,
    },
    /// Print the live schema as sorted text, one fact per line (the form of
    /// migration/tests/expected_schema.txt), for review and diffs.
    Catalog,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    neonhub_db::init_logging();
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli).await {
        // A failed count or check, already reported.
        Ok(false) => std::process::ExitCode::FAILURE,
        result => neonhub_db::exit_code(result.map(drop), json),
    }
}

async fn run(cli: Cli) -> Result<bool> {
    let timeout = cli.connect.timeout();
    if let Some(Command::SchemaDoc { out }) = &cli.command {
        let doc = smoke::schema_doc::render();
        match out {
            Some(path) => {
                std::fs::write(path, doc).with_context(|| format!("writing {}", path.display()))?
            }
            None => print!("{doc}"),
        }
        return Ok(true);
    }
    if let Some(Command::PrismaSchema { root }) = &cli.command {
        let files = smoke::prisma::generated_files().context("generating the Prisma schema")?;
        for (path, content) in &files {
            let path = root.join(path);
            std::fs::write(&path, content)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        println!(
            "wrote {}",
            files.iter().map(|(p, _)| *p).collect::<Vec<_>>().join(", ")
        );
        return Ok(true);
    }
    let resolve = |connect: &ConnectArgs| {
        if cli.replica {
            connect.read_url()
        } else {
            connect.url()
        }
    };
    if let Some(Command::Catalog) = cli.command {
        let url = resolve(&cli.connect)?;
        let db = neonhub_db::connect(&url, timeout, 1).await?;
        let catalog = neonhub_db::catalog::Catalog::read(&db)
            .await
            .context("reading the catalog")?;
        print!("{}", catalog.render());
        return Ok(true);
    }
    if let Some(Command::Doctor { out }) = cli.command {
        let url = match resolve(&cli.connect) {
            Ok(url) => Some(url),
            Err(neonhub_db::DbError::MissingUrl) => None,
            Err(err) => return Err(err.into()),
        };
        let report = smoke::doctor(url.as_ref(), timeout).await;
        let markdown = report.to_markdown();
        match out {
            Some(path) => {
                std::fs::write(&path, &markdown)
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!(
                    "wrote {} ({})",
                    path.display(),
                    if report.ready() { "ready" } else { "NOT ready" }
                );
            }
            None => print!("{markdown}"),
        }
        return Ok(report.ready());
    }

    let url = resolve(&cli.connect)?;
    let db = neonhub_db::connect(&url, timeout, 4).await?;
    let started = Instant::now();
    let counts = smoke::count_tables(&db).await;
    let elapsed = started.elapsed();
    let seeded = seeder::seeded_tables();
    let empty_seeded: Vec<&str> = counts
        .iter()
        .filter(|c| cli.expect_seeded && seeded.contains(&c.table) && c.rows == Some(0))
        .map(|c| c.table)
        .collect();
    let failed = counts.iter().filter(|c| c.error.is_some()).count();
    let ok = failed == 0 && empty_seeded.is_empty();
    if cli.json {
        let json = serde_json::json!({
            "database": url.to_string(),
            "tables": counts.iter().map(|c| serde_json::json!({
                "domain": c.domain,
                "table": c.table,
                "rows": c.rows,
                "status": c.status(),
                "error": c.error,
                "seeded": seeded.contains(&c.table),
            })).collect::<Vec<_>>(),
            "total_rows": counts.iter().filter_map(|c| c.rows).sum::<i64>(),
            "failed": failed,
            "empty_seeded_tables": empty_seeded,
            "ok": ok,
            "elapsed_ms": elapsed.as_secs_f64() * 1000.0,
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        print!("{}", smoke::render_counts(&counts));
        println!(
            "counted {} tables of {url} in {:.1} ms",
            counts.len(),
            elapsed.as_secs_f64() * 1000.0
        );
        if !empty_seeded.is_empty() {
            eprintln!(
                "error: seeded tables without rows: {} (run `make seed`)",
                empty_seeded.join(", ")
            );
        }
        if failed > 0 {
            eprintln!(
                "error: {failed} table(s) could not be counted; run `make migrate` if tables are missing"
            );
        }
    }
    Ok(ok)
}
