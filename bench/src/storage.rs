//! Figure 10: the vector index storage of `chunks`, every family included (the table's graph,
//! the tenant indexes `vector-maintain` built, the B-tree over the rows waiting outside the
//! graph), against one float32 (`vector`) HNSW index of the whole table with the same
//! parameters: the index the table had before its graph went to half precision, built here
//! for the comparison (timed, with the loader's parallel workers) and dropped again.

use crate::BenchError;
use crate::data::count;
use sea_orm::DatabaseConnection;
use seeder::synth::{IndexDef, build_index};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Name of the float32 baseline index while it exists.
const BASELINE: &str = "bench_chunks_float32_hnsw";

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
    /// One float32 HNSW of the whole table, bytes.
    pub float32_bytes: i64,
    /// Its build, seconds.
    pub float32_build_seconds: f64,
}

impl StorageResult {
    /// Every vector index family of `chunks`, bytes.
    pub fn total_bytes(&self) -> i64 {
        self.table_graph_bytes + self.tenant_index_bytes + self.pending_bytes
    }
}

/// Measure figure 10 on the loaded and maintained database `db`.
pub async fn measure(db: &DatabaseConnection) -> Result<StorageResult, BenchError> {
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
    let tenant = "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                  WHERE i.indrelid = 'chunks'::regclass AND c.relname LIKE 'chunks\\_org\\_hnsw\\_%'";
    let tenant_index_bytes = count(
        db,
        &format!("SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0)::bigint AS n {tenant}"),
    )
    .await?;
    let tenant_indexes = count(db, &format!("SELECT count(*) AS n {tenant}")).await?;
    let index = IndexDef {
        name: BASELINE.into(),
        table: "chunks".into(),
        definition: format!(
            "CREATE INDEX {BASELINE} ON chunks USING hnsw (embedding vector_cosine_ops) \
             WITH (m = 16, ef_construction = 64)"
        ),
    };
    let mut conn = db.get_postgres_connection_pool().acquire().await?;
    let started = Instant::now();
    build_index(&mut conn, &index, true).await?;
    let float32_build_seconds = started.elapsed().as_secs_f64();
    drop(conn);
    let float32_bytes = count(db, &format!("SELECT pg_relation_size('{BASELINE}') AS n")).await?;
    sea_orm::ConnectionTrait::execute_unprepared(db, &format!("DROP INDEX {BASELINE}")).await?;
    Ok(StorageResult {
        table_graph_bytes,
        tenant_index_bytes,
        tenant_indexes,
        pending_bytes,
        float32_bytes,
        float32_build_seconds,
    })
}
