//! Loading a [`SynthPlan`] with binary `COPY` through the sqlx pool under SeaORM.

use super::SynthError;
use super::copy::CopyEncoder;
use super::plan::{EMAIL_DOMAIN, SynthPlan, SynthTable, estimate_bytes, slug_prefix};
use super::progress::{Progress, ProgressMode};
use entity::search::tenant_index;
use sea_orm::DatabaseConnection;
use sea_orm::sqlx::{self, AssertSqlSafe, Connection, Row, postgres::PgConnection};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

/// Rows per piece handed from the generator thread to the sender.
const PIECE_ROWS: usize = 500;

/// What happens to the HNSW indexes of the loaded tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexMode {
    /// Drop them before loading and build them again afterwards, in the load's transaction
    /// (much faster than inserting into the graph row by row; readers of these tables wait
    /// for the load).
    #[default]
    Rebuild,
    /// Leave them in place: every row is inserted into the graph as it arrives (slow at scale).
    Keep,
    /// Drop them and leave them dropped; [`SynthReport::dropped_indexes`] holds their
    /// definitions for the caller to build (the benchmark times that step on its own).
    Drop,
}

/// How to load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadOptions {
    /// Rows per `COPY` statement.
    pub batch_rows: usize,
    /// What to do with the HNSW indexes.
    pub index_mode: IndexMode,
    /// Delete a previous load of the same seed first (its organizations, cascading, and
    /// users), in a transaction of its own committed before the load's.
    pub replace: bool,
    /// `VACUUM (ANALYZE)` the loaded tables after committing (planner statistics and the
    /// visibility map, so that counts are index-only).
    pub vacuum: bool,
    /// Progress reporting.
    pub progress: ProgressMode,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            batch_rows: 20_000,
            index_mode: IndexMode::Rebuild,
            replace: false,
            vacuum: true,
            progress: ProgressMode::Auto,
        }
    }
}

/// An index definition, as `pg_indexes` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexDef {
    /// Index name.
    pub name: String,
    /// Table name.
    pub table: String,
    /// `CREATE INDEX ...` statement.
    pub definition: String,
}

/// Rows written to one table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableLoad {
    /// Table name.
    pub table: String,
    /// Rows written.
    pub rows: u64,
    /// Seconds spent on its `COPY` statements.
    pub seconds: f64,
}

/// What a load did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SynthReport {
    /// The seed.
    pub seed: u64,
    /// Organizations of a previous load of this seed deleted first (`replace`).
    pub replaced_orgs: u64,
    /// Per table, in load order.
    pub tables: Vec<TableLoad>,
    /// Rows written, all tables.
    pub rows: u64,
    /// Wall time of the `COPY` phase (generation overlaps it), seconds.
    pub copy_seconds: f64,
    /// `rows / copy_seconds`.
    pub rows_per_second: f64,
    /// What was done with the HNSW indexes.
    pub index_mode: IndexMode,
    /// The HNSW indexes dropped before the load (rebuilt unless `index_mode` is `Drop`).
    pub dropped_indexes: Vec<IndexDef>,
    /// Seconds spent rebuilding them (`Rebuild`).
    pub index_seconds: f64,
    /// Seconds spent on `VACUUM (ANALYZE)`.
    pub vacuum_seconds: f64,
    /// Wall time of the whole load, seconds.
    pub total_seconds: f64,
    /// The 1% tenant, if any.
    pub small_tenant: Option<Uuid>,
    /// The tenant with the most rows.
    pub largest_tenant: Uuid,
}

impl SynthReport {
    /// One line for people.
    pub fn summary(&self) -> String {
        let index = match self.index_mode {
            IndexMode::Rebuild => format!(", HNSW rebuilt in {:.1} s", self.index_seconds),
            IndexMode::Drop => ", HNSW indexes left dropped".to_owned(),
            IndexMode::Keep => String::new(),
        };
        format!(
            "{} rows ({}) in {:.1} s: COPY {:.1} s at {:.0} rows/s{index}, vacuum {:.1} s",
            self.rows,
            self.tables
                .iter()
                .filter(|t| t.table == "chunks" || t.table == "messages")
                .map(|t| format!("{} {}", t.rows, t.table))
                .collect::<Vec<_>>()
                .join(", "),
            self.total_seconds,
            self.copy_seconds,
            self.rows_per_second,
            self.vacuum_seconds
        )
    }
}

/// One piece of a batch: encoded rows of one table (the first piece of a batch starts with
/// the stream's header, the last ends with its trailer).
struct Piece {
    table: SynthTable,
    rows: usize,
    bytes: Vec<u8>,
    /// The last piece of its `COPY` statement.
    end_of_batch: bool,
}

/// Load `plan` into `db` in one transaction: check the schema, delete a previous load of the
/// same seed when `replace` says so (committed first, on its own), drop the HNSW indexes (per
/// `index_mode`), then `COPY` each table in batches of `batch_rows` rows while a generator
/// thread encodes the next ones, rebuild the indexes and commit; finally `VACUUM (ANALYZE)`.
///
/// Any error rolls the load back (a replaced load stays deleted). The database must be migrated; the connection user needs
/// to own the tables (row-level security applies to the application role only).
pub async fn load(
    db: &DatabaseConnection,
    plan: &SynthPlan,
    options: &LoadOptions,
) -> Result<SynthReport, SynthError> {
    let started = Instant::now();
    if options.batch_rows == 0 {
        return Err(SynthError::InvalidOptions(
            "batch rows must be at least 1".into(),
        ));
    }
    neonhub_db::require_primary(db)
        .await
        .map_err(crate::SeedError::NotPrimary)?;
    crate::check_migrations(db).await?;
    let seed = plan.options().seed;
    let mut conn = db.get_postgres_connection_pool().acquire().await?;
    let prefix = format!("{}%", slug_prefix(seed));
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM organizations WHERE slug LIKE $1")
        .bind(&prefix)
        .fetch_one(&mut *conn)
        .await?;
    if existing > 0 && !options.replace {
        return Err(SynthError::AlreadyLoaded {
            seed,
            orgs: existing as u64,
        });
    }
    let mut replaced_orgs = 0;
    if options.replace {
        // In a transaction of its own, committed before the load: an index built in the
        // transaction that deleted rows still holds them (older snapshots may see them), and
        // an HNSW graph full of dead elements is slow to search and very slow to vacuum.
        let mut tx = conn.begin().await?;
        replaced_orgs = sqlx::query("DELETE FROM organizations WHERE slug LIKE $1")
            .bind(&prefix)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM users WHERE email LIKE $1")
            .bind(format!("{}%@{EMAIL_DOMAIN}", slug_prefix(seed)))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let mut tx = conn.begin().await?;

    let total_rows = plan.total_rows() as u64;
    let mut progress = Progress::new(options.progress, total_rows);
    let dropped_indexes = if options.index_mode == IndexMode::Keep {
        Vec::new()
    } else {
        let indexes = hnsw_indexes(&mut tx).await?;
        for index in &indexes {
            progress.note(&format!("dropping {}", index.name));
            sqlx::raw_sql(AssertSqlSafe(format!(
                "DROP INDEX {}",
                quote_ident(&index.name)
            )))
            .execute(&mut *tx)
            .await?;
        }
        indexes
    };

    // With the graphs rebuilt after the load (or left to a later build), the loaded rows are
    // in them from the start: they are written as merged, not left waiting for
    // vector-maintain. With the indexes kept, they wait like any insert.
    let merged_on_load = options.index_mode != IndexMode::Keep;
    if merged_on_load {
        sqlx::raw_sql(AssertSqlSafe(graph_default_sql(true)))
            .execute(&mut *tx)
            .await?;
    }
    let copy_started = Instant::now();
    let tables = copy_all(&mut tx, plan, options.batch_rows, &mut progress).await?;
    let copy_seconds = copy_started.elapsed().as_secs_f64();
    if merged_on_load {
        sqlx::raw_sql(AssertSqlSafe(graph_default_sql(false)))
            .execute(&mut *tx)
            .await?;
    }

    let mut index_seconds = 0.0;
    if options.index_mode == IndexMode::Rebuild {
        let index_started = Instant::now();
        for index in &dropped_indexes {
            progress.note(&format!("building {}", index.name));
            build_index(&mut tx, index, true).await?;
        }
        index_seconds = index_started.elapsed().as_secs_f64();
    }
    tx.commit().await?;

    let mut vacuum_seconds = 0.0;
    if options.vacuum {
        progress.note("vacuum analyze");
        let vacuum_started = Instant::now();
        let names: Vec<&str> = SynthTable::ALL.iter().map(|t| t.name()).collect();
        sqlx::raw_sql(AssertSqlSafe(format!(
            "VACUUM (ANALYZE) {}",
            names.join(", ")
        )))
        .execute(&mut *conn)
        .await?;
        vacuum_seconds = vacuum_started.elapsed().as_secs_f64();
    }
    progress.finish();

    let rows = tables.iter().map(|t| t.rows).sum();
    Ok(SynthReport {
        seed,
        replaced_orgs,
        tables,
        rows,
        copy_seconds,
        rows_per_second: rows as f64 / copy_seconds.max(1e-9),
        index_mode: options.index_mode,
        dropped_indexes,
        index_seconds,
        vacuum_seconds,
        total_seconds: started.elapsed().as_secs_f64(),
        small_tenant: plan.small_tenant().map(|t| t.id),
        largest_tenant: plan.largest_tenant().id,
    })
}

/// `ALTER TABLE … ALTER COLUMN embedding_indexed SET DEFAULT <value>` for every table the plan
/// fills whose graph is deferred: a bulk load that builds the HNSW indexes afterwards sets it
/// to `true` for its rows (they are in the graph from its build on) and back to `false` before
/// it commits, in its own transaction (which holds the tables' locks already).
pub fn graph_default_sql(value: bool) -> String {
    SynthTable::ALL
        .iter()
        .map(|t| t.name())
        .filter(|name| tenant_index::deferred_graph(name))
        .map(|name| {
            format!(
                "ALTER TABLE {name} ALTER COLUMN {} SET DEFAULT {value}",
                tenant_index::GRAPH_COLUMN
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The HNSW indexes of the tables the plan fills, as `pg_indexes` defines them.
pub async fn hnsw_indexes(conn: &mut PgConnection) -> Result<Vec<IndexDef>, sqlx::Error> {
    let tables: Vec<String> = SynthTable::ALL
        .iter()
        .filter(|t| t.has_embedding())
        .map(|t| t.name().to_owned())
        .collect();
    let rows = sqlx::query(
        "SELECT indexname, tablename, indexdef FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename = ANY($1) \
           AND indexdef LIKE '% USING hnsw %' ORDER BY tablename, indexname",
    )
    .bind(tables)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(IndexDef {
                name: row.try_get("indexname")?,
                table: row.try_get("tablename")?,
                definition: row.try_get("indexdef")?,
            })
        })
        .collect()
}

/// Build `index` (run its definition) on `conn`, which should be in a transaction.
///
/// With `parallel`, the build may use the workers `max_parallel_maintenance_workers` allows
/// ([`tenant_index::PARALLEL_BUILD_SETTING`], set for the transaction: Postgres sizes a
/// build's workers by the table's main heap, and the heap of a table of 1536-d vectors is tiny,
/// the vectors living in its TOAST table). Returns the workers asked for
/// (`max_parallel_maintenance_workers`; Postgres may start fewer, fewer still when
/// `maintenance_work_mem` is below 32 MB a process).
pub async fn build_index(
    conn: &mut PgConnection,
    index: &IndexDef,
    parallel: bool,
) -> Result<u32, sqlx::Error> {
    let mut workers = 0;
    if parallel {
        sqlx::raw_sql(AssertSqlSafe(format!(
            "SET LOCAL {}",
            tenant_index::PARALLEL_BUILD_SETTING
        )))
        .execute(&mut *conn)
        .await?;
        let max: i32 =
            sqlx::query_scalar("SELECT current_setting('max_parallel_maintenance_workers')::int")
                .fetch_one(&mut *conn)
                .await?;
        workers = u32::try_from(max).unwrap_or(0);
    }
    sqlx::raw_sql(AssertSqlSafe(index.definition.clone()))
        .execute(&mut *conn)
        .await?;
    Ok(workers)
}

/// Stream every table of `plan` into `conn`: a generator thread encodes pieces of
/// [`PIECE_ROWS`] rows into a bounded channel while this task sends them, one `COPY` statement
/// per batch of `batch_rows` rows.
async fn copy_all(
    conn: &mut PgConnection,
    plan: &SynthPlan,
    batch_rows: usize,
    progress: &mut Progress,
) -> Result<Vec<TableLoad>, SynthError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Piece>(8);
    let generator_plan = Arc::new(plan.clone());
    let generator = tokio::task::spawn_blocking(move || generate(&generator_plan, batch_rows, &tx));

    let mut loads: Vec<TableLoad> = Vec::new();
    let mut current: Option<(SynthTable, Instant, u64)> = None;
    let mut next = rx.recv().await;
    while let Some(first) = next {
        let table = first.table;
        if current.map(|(t, _, _)| t) != Some(table) {
            if let Some((done, since, rows)) = current.take() {
                progress.finish_table();
                loads.push(table_load(done, since, rows));
            }
            progress.start_table(table.name(), plan.rows(table) as u64);
            current = Some((table, Instant::now(), 0));
        }
        let copy_error = |source| SynthError::Copy {
            table: table.name(),
            source,
        };
        let mut copy = conn
            .copy_in_raw(&table.copy_statement())
            .await
            .map_err(copy_error)?;
        // The header travels in the first piece and the trailer in the last: fewer small
        // writes, which the socket (no TCP_NODELAY in sqlx) would hold back.
        let mut piece = first;
        loop {
            let (rows, end) = (piece.rows, piece.end_of_batch);
            copy.send(piece.bytes).await.map_err(copy_error)?;
            progress.advance(rows as u64);
            if let Some((_, _, done)) = current.as_mut() {
                *done += rows as u64;
            }
            if end {
                break;
            }
            piece = match rx.recv().await {
                Some(piece) => piece,
                None => {
                    copy.abort("the generator stopped").await.ok();
                    return Err(generator_failure(generator).await);
                }
            };
        }
        copy.finish().await.map_err(copy_error)?;
        next = rx.recv().await;
    }
    if let Some((done, since, rows)) = current.take() {
        progress.finish_table();
        loads.push(table_load(done, since, rows));
    }
    generator
        .await
        .map_err(|e| SynthError::Generator(e.to_string()))?;
    // Tables without rows still get their line.
    let mut all = Vec::with_capacity(SynthTable::ALL.len());
    for table in SynthTable::ALL {
        match loads.iter().position(|l| l.table == table.name()) {
            Some(pos) => all.push(loads[pos].clone()),
            None => all.push(TableLoad {
                table: table.name().to_owned(),
                rows: 0,
                seconds: 0.0,
            }),
        }
    }
    Ok(all)
}

fn table_load(table: SynthTable, since: Instant, rows: u64) -> TableLoad {
    TableLoad {
        table: table.name().to_owned(),
        rows,
        seconds: since.elapsed().as_secs_f64(),
    }
}

async fn generator_failure(generator: tokio::task::JoinHandle<()>) -> SynthError {
    match generator.await {
        Err(err) => SynthError::Generator(err.to_string()),
        Ok(()) => SynthError::Generator("the row stream ended mid-batch".into()),
    }
}

/// The generator thread: every table in order, in batches, in pieces. Stops quietly when the
/// receiver is gone (the load failed).
fn generate(plan: &SynthPlan, batch_rows: usize, tx: &tokio::sync::mpsc::Sender<Piece>) {
    for table in SynthTable::ALL {
        let rows = plan.rows(table);
        let mut start = 0;
        while start < rows {
            let (batch_start, batch_end) = (start, (start + batch_rows).min(rows));
            while start < batch_end {
                let end = (start + PIECE_ROWS).min(batch_end);
                let capacity = estimate_bytes(table, end - start);
                let mut copy = if start == batch_start {
                    CopyEncoder::with_capacity(capacity)
                } else {
                    CopyEncoder::rows_only(capacity)
                };
                plan.encode_rows(table, start..end, &mut copy);
                let end_of_batch = end == batch_end;
                let piece = Piece {
                    table,
                    rows: end - start,
                    bytes: if end_of_batch {
                        copy.finish()
                    } else {
                        copy.into_rows()
                    },
                    end_of_batch,
                };
                if tx.blocking_send(piece).is_err() {
                    return;
                }
                start = end;
            }
        }
    }
}

/// `"name"`, with inner quotes doubled.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
