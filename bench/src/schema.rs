//! Figure 6: `migrate up` on an empty database vs replaying `pg_dump --schema-only` of its
//! result with psql.

use crate::server::{PgTools, migrate_up};
use crate::stats::Latency;
use crate::{BenchConfig, BenchError, Server};
use neonhub_db::catalog::Catalog;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Figure 6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaResult {
    /// `migrate up` of an empty database, per run (the migration runner, lock included).
    pub migrate: Latency,
    /// `psql -f dump.sql` into an empty database, per run (process start included).
    pub replay: Latency,
    /// Size of the schema dump, bytes.
    pub dump_bytes: usize,
    /// Whether the replayed schema equals the migrated one (neonhub-db catalog snapshot).
    pub identical_schema: bool,
    /// The first line where they differ, if they do.
    pub first_difference: Option<String>,
}

fn tool_error(tool: &str, output: &std::process::Output) -> BenchError {
    BenchError::Tool {
        tool: tool.into(),
        message: neonhub_db::redact(&format!(
            "exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )),
    }
}

/// Figure 6: `config.repeats` migrations of a fresh database, one `pg_dump --schema-only` of
/// the result, `config.repeats` replays of it with psql into a fresh database; the schemas are
/// compared.
pub async fn measure(
    server: &Server,
    tools: &PgTools,
    config: &BenchConfig,
) -> Result<SchemaResult, BenchError> {
    let migrated_name = format!("{}_migrate", config.database);
    let replay_name = format!("{}_replay", config.database);
    let repeats = config.repeats.max(1);
    let mut migrate = Vec::new();
    let mut dump = Vec::new();
    let mut migrated_catalog = String::new();
    for run in 0..repeats {
        server.recreate_database(&migrated_name).await?;
        let url = server.url_of(&migrated_name);
        let db = neonhub_db::connect(&url, neonhub_db::DEFAULT_CONNECT_TIMEOUT, 1).await?;
        migrate.push(migrate_up(&url, &db).await?);
        if run == 0 {
            migrated_catalog = Catalog::read(&db).await?.render();
            let output = PgTools::command(&tools.pg_dump, &url)
                .args(["--schema-only", "--no-password"])
                .output()
                .await
                .map_err(|e| BenchError::Tool {
                    tool: "pg_dump".into(),
                    message: e.to_string(),
                })?;
            if !output.status.success() {
                return Err(tool_error("pg_dump", &output));
            }
            dump = output.stdout;
        }
        db.close().await.ok();
    }
    let file =
        std::env::temp_dir().join(format!("neonhub-bench-schema-{}.sql", std::process::id()));
    std::fs::write(&file, &dump).map_err(|e| BenchError::Tool {
        tool: "pg_dump".into(),
        message: format!("writing {}: {e}", file.display()),
    })?;
    let mut replay = Vec::new();
    let mut replayed_catalog = String::new();
    for run in 0..repeats {
        server.recreate_database(&replay_name).await?;
        let url = server.url_of(&replay_name);
        let started = Instant::now();
        let output = PgTools::command(&tools.psql, &url)
            .args(["-X", "-q", "--no-password", "-v", "ON_ERROR_STOP=1", "-f"])
            .arg(&file)
            .output()
            .await
            .map_err(|e| BenchError::Tool {
                tool: "psql".into(),
                message: e.to_string(),
            })?;
        replay.push(started.elapsed().as_secs_f64());
        if !output.status.success() {
            std::fs::remove_file(&file).ok();
            return Err(tool_error("psql", &output));
        }
        if run == 0 {
            let db = neonhub_db::connect(&url, neonhub_db::DEFAULT_CONNECT_TIMEOUT, 1).await?;
            replayed_catalog = Catalog::read(&db).await?.render();
            db.close().await.ok();
        }
    }
    std::fs::remove_file(&file).ok();
    server.drop_database(&migrated_name).await?;
    server.drop_database(&replay_name).await?;
    let first_difference = migrated_catalog
        .lines()
        .zip(replayed_catalog.lines())
        .find(|(a, b)| a != b)
        .map(|(a, b)| format!("migrated: {a} / replayed: {b}"))
        .or_else(|| {
            (migrated_catalog.lines().count() != replayed_catalog.lines().count())
                .then(|| "line counts differ".to_owned())
        });
    Ok(SchemaResult {
        migrate: Latency::of(&migrate),
        replay: Latency::of(&replay),
        dump_bytes: dump.len(),
        identical_schema: first_difference.is_none(),
        first_difference,
    })
}
