//! Figure 10: the vector index storage of `chunks`, every family included (the table's graph,
//! the tenant indexes `vector-maintain` built, the B-tree over the rows waiting outside the
//! graph), against one float32 (`vector`) HNSW index of the whole table with the same
//! parameters: the index the table had before its graph went to half precision, built here
//! for the comparison (timed, with the loader's parallel workers) and dropped again.

use crate::BenchError;
use crate::data::count;
use sea_orm::sqlx::Connection;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use seeder::synth::{IndexDef, build_index};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Name of the float32 baseline index while it exists.
const BASELINE: &str = "bench_chunks_float32_hnsw";
/// Table of the sample the float32 baseline is built on at scale, while it exists.
const SAMPLE: &str = "bench_float32_sample";

/// `FROM ... WHERE ...` of the tenant indexes of `chunks` (`pg_index i`, `pg_class c`).
pub const CHUNKS_TENANT_INDEXES: &str = "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
     WHERE i.indrelid = 'chunks'::regclass AND c.relname LIKE 'chunks\\_org\\_hnsw\\_%'";

/// Figure 10 in detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorageResult {
    /// `chunks_embedding_hnsw_idx` (half precision, merged rows), bytes.
    pub table_graph_bytes: i64,
    /// The tenant indexes of `chunks`, bytes, and how many.
    pub tenant_index_bytes: i64,
    /// How many tenant indexes `chunks` has.
    pub tenant_indexes: i64,
    /// `chunks_embedding_pending_idx`, bytes.
    pub pending_bytes: i64,
    /// One float32 HNSW of the whole table, bytes (scaled from the sample when there is one).
    pub float32_bytes: i64,
    /// Its build, seconds (of the sample when there is one).
    pub float32_build_seconds: f64,
    /// Rows of the sample the float32 index was built on, when the table was larger than
    /// `sample_rows`; `None`: built on the whole table.
    #[serde(default)]
    pub float32_sample_rows: Option<i64>,
    /// Rows with an embedding in `chunks`.
    #[serde(default)]
    pub rows: i64,
}

impl StorageResult {
    /// Every vector index family of `chunks`, bytes.
    pub fn total_bytes(&self) -> i64 {
        self.table_graph_bytes + self.tenant_index_bytes + self.pending_bytes
    }
}

/// Measure figure 10 on the loaded and maintained database `db`. The float32 baseline is built
/// on the whole table, or, when it holds more than `sample_rows` rows (and `sample_rows` is not
/// 0), on a copy of the first `sample_rows` embeddings, its size scaled by rows / `sample_rows`:
/// at 1536 dimensions an element of a float32 HNSW (6 KB) fills a page of its own, so the size
/// is linear in the rows (at 100k rows: 8.19 KB a row); a full build at 1M rows would take an
/// hour and 8 GB on this machine for one number.
pub async fn measure(
    db: &DatabaseConnection,
    sample_rows: usize,
) -> Result<StorageResult, BenchError> {
    let rows = count(
        db,
        "SELECT count(*) AS n FROM chunks WHERE embedding IS NOT NULL",
    )
    .await?;
    let table_graph_bytes = count(
        db,
        "SELECT pg_relation_size('chunks_embedding_hnsw_idx') AS n",
    )
    .await?;
    let pending_bytes = count(
        db,
        "SELECT pg_relation_size('chunks_embedding_pending_idx') AS n",
    )
    .await?;
    let tenant = CHUNKS_TENANT_INDEXES;
    let tenant_index_bytes = count(
        db,
        &format!("SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0)::bigint AS n {tenant}"),
    )
    .await?;
    let tenant_indexes = count(db, &format!("SELECT count(*) AS n {tenant}")).await?;
    let sample = i64::try_from(sample_rows)
        .ok()
        .filter(|n| *n > 0 && rows > *n);
    let table = match sample {
        Some(n) => {
            db.execute_unprepared(&format!(
                "DROP TABLE IF EXISTS {SAMPLE}; CREATE TABLE {SAMPLE} AS SELECT embedding \
                 FROM chunks WHERE embedding IS NOT NULL LIMIT {n}"
            ))
            .await?;
            SAMPLE
        }
        None => "chunks",
    };
    let index = IndexDef {
        name: BASELINE.into(),
        table: table.into(),
        definition: format!(
            "CREATE INDEX {BASELINE} ON {table} USING hnsw (embedding vector_cosine_ops) \
             WITH (m = 16, ef_construction = 64)"
        ),
    };
    let mut conn = db.get_postgres_connection_pool().acquire().await?;
    let started = Instant::now();
    // In a transaction, as the loader builds (its parallel setting is SET LOCAL).
    let mut tx = conn.begin().await?;
    build_index(&mut tx, &index, true).await?;
    tx.commit().await?;
    let float32_build_seconds = started.elapsed().as_secs_f64();
    drop(conn);
    let built = count(db, &format!("SELECT pg_relation_size('{BASELINE}') AS n")).await?;
    db.execute_unprepared(&format!(
        "DROP INDEX {BASELINE}; DROP TABLE IF EXISTS {SAMPLE}"
    ))
    .await?;
    let float32_bytes = match sample {
        Some(n) => (built as f64 * rows as f64 / n as f64).round() as i64,
        None => built,
    };
    Ok(StorageResult {
        table_graph_bytes,
        tenant_index_bytes,
        tenant_indexes,
        pending_bytes,
        float32_bytes,
        float32_build_seconds,
        float32_sample_rows: sample,
        rows,
    })
}
