//! Figures 1 and 2: loading the synthetic data (our loader vs a raw `COPY` of the same rows)
//! and building the HNSW indexes (the loader's parallel build vs Postgres' default).

use crate::{BenchConfig, BenchError, Server};
use sea_orm::sqlx::{self, AssertSqlSafe, Connection};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use seeder::synth::{
    IndexDef, IndexMode, LoadOptions, ProgressMode, SynthPlan, SynthTable, build_index,
    graph_default_sql, hnsw_indexes,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

/// Bytes per `CopyData` message of the raw baseline (libpq-like pieces).
const RAW_PIECE: usize = 4 << 20;

/// Every table of `plan` as one binary `COPY` stream (header, rows, trailer), in load order.
pub fn encode_streams(plan: &SynthPlan) -> Vec<(SynthTable, Vec<u8>)> {
    SynthTable::ALL
        .iter()
        .map(|&table| (table, plan.encode(table, 0..plan.rows(table))))
        .collect()
}

/// One timed load.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// Rows written, all tables.
    pub rows: u64,
    /// Seconds from the first `COPY` to the end of the last.
    pub seconds: f64,
}

impl Load {
    /// Rows per second.
    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.seconds.max(1e-9)
    }
}

/// Figure 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadResult {
    /// Our loader's rounds.
    pub ours: Vec<Load>,
    /// The raw baseline's rounds.
    pub raw: Vec<Load>,
    /// Rows per `COPY` statement of our loader.
    pub batch_rows: usize,
    /// Bytes of the raw streams.
    pub bytes: u64,
    /// Seconds `migrate up` took on the benchmark database.
    pub migrate_seconds: f64,
    /// The HNSW indexes the loader dropped (to build in figure 2).
    pub dropped_indexes: Vec<IndexDef>,
}

impl LoadResult {
    /// The best round of our loader.
    pub fn best_ours(&self) -> Load {
        best(&self.ours)
    }

    /// The best round of the raw baseline.
    pub fn best_raw(&self) -> Load {
        best(&self.raw)
    }
}

fn best(loads: &[Load]) -> Load {
    loads
        .iter()
        .copied()
        .min_by(|a, b| a.seconds.total_cmp(&b.seconds))
        .unwrap_or(Load {
            rows: 0,
            seconds: f64::NAN,
        })
}

/// `CHECKPOINT`, so that a load does not pay for the previous one's dirty pages (skipped
/// when the role may not: it needs superuser or `pg_checkpoint`). Whether it ran.
pub async fn checkpoint(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("CHECKPOINT").await.is_ok()
}

/// [`checkpoint`] after index builds and before the searches that measure them, logged with
/// its seconds. A build writes its whole index through the WAL (3.3 GB for the tenant graphs
/// of the scale run); left to the server, the checkpoints that write those pages out run
/// during the next phase, and the scale run of 2026-12-05 measured its tenant searches
/// 1.3–1.8× slower than the run before (p50 9.49 against 5.16 ms in the 1% tenant) while one
/// wrote 616 MB. Timed searches start from a written-out cache, as on a server whose last
/// build finished before them.
pub async fn settle_after_builds(db: &DatabaseConnection, builds: &str, log: &dyn Fn(&str)) {
    let started = Instant::now();
    if checkpoint(db).await {
        log(&format!(
            "checkpoint after {builds}: {:.1} s",
            started.elapsed().as_secs_f64()
        ));
    } else {
        log(&format!(
            "checkpoint after {builds}: not allowed for this role (needs superuser or \
             pg_checkpoint); the next searches may run while the server writes the indexes out"
        ));
    }
}

/// Load the pre-encoded `streams` with one plain `COPY ... FROM STDIN (FORMAT binary)` per
/// table, in one transaction, the HNSW indexes dropped first and the rows written as merged
/// into the graphs built afterwards (as our loader does). Timed from the first `COPY` to the
/// end of the last.
pub async fn raw_copy(
    db: &DatabaseConnection,
    streams: &[(SynthTable, Vec<u8>)],
) -> Result<Load, BenchError> {
    let mut conn = db.get_postgres_connection_pool().acquire().await?;
    let mut tx = conn.begin().await?;
    for index in hnsw_indexes(&mut tx).await? {
        sqlx::raw_sql(AssertSqlSafe(format!(
            "DROP INDEX {}",
            crate::server::quote_ident(&index.name)
        )))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::raw_sql(AssertSqlSafe(graph_default_sql(true)))
        .execute(&mut *tx)
        .await?;
    let started = Instant::now();
    let mut rows = 0;
    for (table, bytes) in streams {
        let mut copy = tx.copy_in_raw(&table.copy_statement()).await?;
        for piece in bytes.chunks(RAW_PIECE) {
            copy.send(piece).await?;
        }
        rows += copy.finish().await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    sqlx::raw_sql(AssertSqlSafe(graph_default_sql(false)))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Load { rows, seconds })
}

/// Load with `seeder::synth` (HNSW indexes dropped and left so, no vacuum, no progress).
pub async fn ours_copy(
    db: &DatabaseConnection,
    plan: &SynthPlan,
) -> Result<(Load, Vec<IndexDef>, usize), BenchError> {
    let options = LoadOptions {
        index_mode: IndexMode::Drop,
        vacuum: false,
        progress: ProgressMode::Quiet,
        ..LoadOptions::default()
    };
    let report = seeder::synth::load(db, plan, &options).await?;
    Ok((
        Load {
            rows: report.rows,
            seconds: report.copy_seconds,
        },
        report.dropped_indexes,
        options.batch_rows,
    ))
}

/// Figure 1: `config.load_rounds` rounds of (raw baseline into a fresh migrated scratch
/// database unless `config.load_baseline` is off, our loader into a fresh migrated database).
/// The last round of our loader goes into the benchmark database, which is returned with the
/// data in it and the HNSW indexes dropped.
pub async fn measure_load(
    server: &Server,
    config: &BenchConfig,
    plan: &SynthPlan,
    streams: &[(SynthTable, Vec<u8>)],
    log: &dyn Fn(&str),
) -> Result<(DatabaseConnection, LoadResult), BenchError> {
    let scratch = format!("{}_scratch", config.database);
    let rounds = config.load_rounds.max(1);
    let mut result = LoadResult {
        ours: Vec::new(),
        raw: Vec::new(),
        batch_rows: 0,
        bytes: streams.iter().map(|(_, b)| b.len() as u64).sum(),
        migrate_seconds: 0.0,
        dropped_indexes: Vec::new(),
    };
    let mut main = None;
    let expected = plan.total_rows() as u64;
    for round in 1..=rounds {
        if config.load_baseline {
            let (db, _) = server.migrated_database(&scratch).await?;
            checkpoint(&db).await;
            let raw = raw_copy(&db, streams).await?;
            db.close().await.ok();
            log_round(log, round, rounds, "raw COPY", &raw);
            check_rows("the raw COPY", raw.rows, expected)?;
            result.raw.push(raw);
        }

        let last = round == rounds;
        let name = if last { &config.database } else { &scratch };
        let (db, migrate_seconds) = server.migrated_database(name).await?;
        checkpoint(&db).await;
        let (ours, dropped, batch_rows) = ours_copy(&db, plan).await?;
        log_round(log, round, rounds, "seeder synth", &ours);
        check_rows("our loader", ours.rows, expected)?;
        result.ours.push(ours);
        result.batch_rows = batch_rows;
        if last {
            result.migrate_seconds = migrate_seconds;
            result.dropped_indexes = dropped;
            main = Some(db);
        } else {
            db.close().await.ok();
        }
    }
    server.drop_database(&scratch).await?;
    let db = main.expect("at least one round");
    // The loader writes its rows as merged into the graphs it builds afterwards: none waits.
    let waiting = count(
        &db,
        "SELECT count(*) AS n FROM chunks WHERE NOT embedding_indexed",
    )
    .await?;
    if waiting != 0 {
        return Err(BenchError::Check(format!(
            "{waiting} loaded chunks wait outside the graph (expected none after a bulk load)"
        )));
    }
    Ok((db, result))
}

/// One progress line of a load round.
fn log_round(log: &dyn Fn(&str), round: usize, rounds: usize, loader: &str, load: &Load) {
    log(&format!(
        "load round {round}/{rounds}: {loader} {} rows in {:.2} s ({:.0} rows/s)",
        load.rows,
        load.seconds,
        load.rows_per_second()
    ));
}

/// An error unless `who` wrote the `expected` rows of the plan.
fn check_rows(who: &str, rows: u64, expected: u64) -> Result<(), BenchError> {
    if rows == expected {
        Ok(())
    } else {
        Err(BenchError::Check(format!(
            "{who} wrote {rows} rows, the plan has {expected}"
        )))
    }
}

/// One HNSW build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Build {
    /// Index name.
    pub index: String,
    /// Seconds.
    pub seconds: f64,
    /// Parallel workers asked for (`max_parallel_maintenance_workers` during the build).
    pub workers_requested: u32,
    /// Most parallel workers seen at once in `pg_stat_activity` during the build.
    pub workers_observed: i64,
}

/// Figure 2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexResult {
    /// `chunks` built as the loader does.
    pub chunks: Build,
    /// `chunks` built serially (`max_parallel_maintenance_workers = 0`): the baseline, if
    /// measured.
    pub chunks_serial: Option<Build>,
    /// The other HNSW indexes (messages, brand voices), built as the loader does.
    pub others: Vec<Build>,
    /// Size of the `chunks` HNSW index, bytes.
    pub chunks_index_bytes: i64,
    /// `maintenance_work_mem` during the builds.
    pub maintenance_work_mem: String,
    /// The storage parameters the `chunks` graph was built with, e.g. `m=32, ef_construction=128`
    /// (its migrated definition: the loader rebuilds what it dropped).
    #[serde(default)]
    pub chunks_index_options: String,
}

/// Build one index on its own connection while another connection counts its parallel
/// workers. With `parallel`, as the loader does ([`build_index`]); without, serially
/// (`max_parallel_maintenance_workers = 0`). `keep` commits the index; otherwise the build is
/// rolled back.
async fn timed_build(
    db: &DatabaseConnection,
    index: &IndexDef,
    parallel: bool,
    keep: bool,
) -> Result<Build, BenchError> {
    let pool = db.get_postgres_connection_pool();
    let mut conn = pool.acquire().await?;
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *conn)
        .await?;
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(AtomicI64::new(0));
    let monitor = {
        let (pool, stop, seen) = (pool.clone(), stop.clone(), seen.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(n) = sqlx::query_scalar::<_, i64>(
                    "SELECT count(*) FROM pg_stat_activity \
                     WHERE leader_pid = $1 AND backend_type = 'parallel worker'",
                )
                .bind(pid)
                .fetch_one(&pool)
                .await
                {
                    seen.fetch_max(n, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let mut tx = conn.begin().await?;
    if !parallel {
        sqlx::raw_sql("SET LOCAL max_parallel_maintenance_workers = 0")
            .execute(&mut *tx)
            .await?;
    }
    let started = Instant::now();
    let built = build_index(&mut tx, index, parallel).await;
    let seconds = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    monitor.await.ok();
    let workers_requested = built?;
    if keep {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(Build {
        index: index.name.clone(),
        seconds,
        workers_requested,
        workers_observed: seen.load(Ordering::Relaxed),
    })
}

/// Figure 2: build the dropped HNSW indexes; `chunks` first serially (rolled back) when
/// `config.serial_build_baseline`, then as the loader does (kept).
pub async fn measure_index_build(
    db: &DatabaseConnection,
    dropped: &[IndexDef],
    config: &BenchConfig,
    log: &dyn Fn(&str),
) -> Result<IndexResult, BenchError> {
    let chunks = dropped
        .iter()
        .find(|i| i.table == "chunks")
        .ok_or_else(|| BenchError::Check("the loader dropped no HNSW index on chunks".into()))?;
    let chunks_serial = if config.serial_build_baseline {
        let build = timed_build(db, chunks, false, false).await?;
        log(&format!(
            "{} serially: {:.1} s, {} workers seen",
            build.index, build.seconds, build.workers_observed
        ));
        Some(build)
    } else {
        None
    };
    let built = timed_build(db, chunks, true, true).await?;
    log(&format!(
        "{} as the loader builds it: {:.1} s, {} workers asked, {} seen",
        built.index, built.seconds, built.workers_requested, built.workers_observed
    ));
    let mut others = Vec::new();
    for index in dropped.iter().filter(|i| i.table != "chunks") {
        others.push(timed_build(db, index, true, true).await?);
    }
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_relation_size('chunks_embedding_hnsw_idx') AS bytes, \
                    current_setting('maintenance_work_mem') AS mwm, \
                    (SELECT array_to_string(reloptions, ', ') FROM pg_class \
                     WHERE oid = to_regclass('chunks_embedding_hnsw_idx')) AS options",
        ))
        .await?
        .ok_or_else(|| BenchError::Check("no index size".into()))?;
    Ok(IndexResult {
        chunks: built,
        chunks_serial,
        others,
        chunks_index_bytes: row.try_get("", "bytes")?,
        maintenance_work_mem: row.try_get("", "mwm")?,
        chunks_index_options: row.try_get("", "options")?,
    })
}

/// `VACUUM (ANALYZE)` of the loaded tables: planner statistics and the visibility map.
pub async fn vacuum_analyze(db: &DatabaseConnection) -> Result<(), BenchError> {
    let names: Vec<&str> = SynthTable::ALL.iter().map(|t| t.name()).collect();
    db.execute_unprepared(&format!("VACUUM (ANALYZE) {}", names.join(", ")))
        .await?;
    Ok(())
}

/// The bigint column `n` of the one row `sql` returns.
pub async fn count(db: &DatabaseConnection, sql: &str) -> Result<i64, BenchError> {
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
        .ok_or_else(|| BenchError::Check(format!("no row from {sql}")))?;
    Ok(row.try_get::<i64>("", "n")?)
}
