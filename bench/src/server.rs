//! The server under test: creating, migrating and dropping the benchmark's databases, its
//! settings, and the client tools (psql, pg_dump) that match it.

use crate::BenchError;
use crate::report::Environment;
use migration::runner::{Action, RunOptions};
use neonhub_db::DatabaseUrl;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Connection pool size of the benchmark database (smoke counts use it concurrently, like
/// `make smoke`).
pub const POOL_SIZE: u32 = 4;

/// A Postgres server, reached as an owner (a superuser on the local default).
#[derive(Debug, Clone)]
pub struct Server {
    admin: DatabaseUrl,
    timeout: Duration,
}

impl Server {
    /// The server of `url`; administrative statements run on `url`'s own database.
    pub fn new(url: DatabaseUrl, timeout: Duration) -> Self {
        Self {
            admin: url,
            timeout,
        }
    }

    /// The URL of database `name` on this server.
    pub fn url_of(&self, name: &str) -> DatabaseUrl {
        self.admin.with_database(name)
    }

    async fn admin(&self) -> Result<DatabaseConnection, BenchError> {
        Ok(neonhub_db::connect(&self.admin, self.timeout, 1).await?)
    }

    /// Drop database `name` if it exists (ending its sessions) and create it empty.
    pub async fn recreate_database(&self, name: &str) -> Result<(), BenchError> {
        let admin = self.admin().await?;
        let ident = quote_ident(name);
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {ident} WITH (FORCE)"))
            .await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {ident}"))
            .await?;
        admin.close().await.ok();
        Ok(())
    }

    /// Drop database `name` if it exists.
    pub async fn drop_database(&self, name: &str) -> Result<(), BenchError> {
        let admin = self.admin().await?;
        admin
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(name)
            ))
            .await?;
        admin.close().await.ok();
        Ok(())
    }

    /// Connect to database `name` with a pool of [`POOL_SIZE`].
    pub async fn connect(&self, name: &str) -> Result<DatabaseConnection, BenchError> {
        Ok(neonhub_db::connect(&self.url_of(name), self.timeout, POOL_SIZE).await?)
    }

    /// Create database `name` afresh and `migrate up` it; returns the pool and the seconds the
    /// migration took (what `make migrate` runs: the migration runner under its lock).
    pub async fn migrated_database(
        &self,
        name: &str,
    ) -> Result<(DatabaseConnection, f64), BenchError> {
        self.recreate_database(name).await?;
        let db = self.connect(name).await?;
        let seconds = migrate_up(&self.url_of(name), &db).await?;
        Ok((db, seconds))
    }

    /// Server version, cores and the settings the figures depend on.
    pub async fn environment(&self) -> Result<Environment, BenchError> {
        let admin = self.admin().await?;
        let mut settings = Vec::new();
        for name in [
            "shared_buffers",
            "maintenance_work_mem",
            "max_parallel_maintenance_workers",
            "max_parallel_workers_per_gather",
            "max_parallel_workers",
            "work_mem",
            "effective_cache_size",
            "fsync",
            "synchronous_commit",
        ] {
            let row = admin
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT current_setting($1) AS v",
                    [name.into()],
                ))
                .await?;
            if let Some(row) = row {
                settings.push((name.to_owned(), row.try_get::<String>("", "v")?));
            }
        }
        let one = |sql: &'static str| {
            let admin = &admin;
            async move {
                let row = admin
                    .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
                    .await?;
                Ok::<_, BenchError>(
                    row.and_then(|r| r.try_get::<Option<String>>("", "v").ok().flatten())
                        .unwrap_or_else(|| "?".into()),
                )
            }
        };
        let server_version = one("SELECT current_setting('server_version') AS v").await?;
        let pgvector =
            one("SELECT default_version AS v FROM pg_available_extensions WHERE name = 'vector'")
                .await?;
        admin.close().await.ok();
        Ok(Environment {
            server_version,
            pgvector,
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            settings,
            started_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
    }
}

/// `migrate up` on `db` (at `url`): the migration runner, as `make migrate` runs it. Returns
/// the seconds taken.
pub async fn migrate_up(url: &DatabaseUrl, db: &DatabaseConnection) -> Result<f64, BenchError> {
    let started = Instant::now();
    migration::runner::run(url, db, Action::Up(None), &RunOptions::default()).await?;
    Ok(started.elapsed().as_secs_f64())
}

/// `"name"`, with inner quotes doubled.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The client tools matching the server.
#[derive(Debug, Clone)]
pub struct PgTools {
    /// `psql`.
    pub psql: PathBuf,
    /// `pg_dump`.
    pub pg_dump: PathBuf,
}

impl PgTools {
    /// The tools in `dir`, if both are there.
    pub fn in_dir(dir: &Path) -> Option<Self> {
        let tools = Self {
            psql: dir.join("psql"),
            pg_dump: dir.join("pg_dump"),
        };
        (tools.psql.is_file() && tools.pg_dump.is_file()).then_some(tools)
    }

    /// The tools found on `PATH`, if both are.
    pub fn on_path() -> Option<Self> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).find_map(|dir| Self::in_dir(&dir))
    }

    /// Find the tools: `dir` if given, else `PG_BIN_DIR`, else what
    /// `scripts/local-pg.sh bin-dir` of this checkout prints, else `PATH`.
    pub fn find(dir: Option<&Path>) -> Option<Self> {
        if let Some(dir) = dir {
            return Self::in_dir(dir);
        }
        if let Some(dir) = std::env::var_os("PG_BIN_DIR").filter(|d| !d.is_empty()) {
            return Self::in_dir(Path::new(&dir));
        }
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/local-pg.sh");
        if script.is_file()
            && let Ok(out) = std::process::Command::new(&script).arg("bin-dir").output()
            && out.status.success()
        {
            let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if let Some(tools) = Self::in_dir(Path::new(&dir)) {
                return Some(tools);
            }
        }
        Self::on_path()
    }

    /// The major version of `pg_dump` (`pg_dump (PostgreSQL) 16.14` gives 16), if it runs.
    /// pg_dump refuses servers of a newer major version.
    pub fn major_version(&self) -> Option<u32> {
        let out = std::process::Command::new(&self.pg_dump)
            .arg("--version")
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let version = text.split_whitespace().last()?;
        version.split('.').next()?.parse().ok()
    }

    /// A command for `tool` connecting to `url`: the URL without its password on the command
    /// line (where `ps` would show it), the password in `PGPASSWORD`.
    pub fn command(tool: &Path, url: &DatabaseUrl) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(tool);
        let password = url.password().filter(|p| !p.is_empty());
        let user = url.user().unwrap_or("postgres").to_owned();
        let bare = url.with_credentials(&user, None);
        command.arg("--dbname").arg(bare.as_str());
        if let Some(password) = password {
            command.env("PGPASSWORD", password);
        }
        command.kill_on_drop(true);
        command
    }
}
