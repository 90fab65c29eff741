//! The HNSW graphs of `chunks` and `messages` are built with `ef_construction = 128` (was 64):
//! at 200k clustered chunks the whole-table recall@10 stopped at 0.97 whatever `ef_search`
//! (0.975 at 1,000, with 1,000 candidates): some rows were reachable by no walk, because a
//! graph built with a short candidate list links rows inserted late poorly. Built with 128,
//! the same graph reaches 1.000 at `ef_search` 160 (m = 32 with 64: 0.990), the same size for
//! about twice the build time (100k chunks: 77 s against 36 s; docs/VECTOR_SEARCH.md, "Why
//! ef_construction 128"). On a table of millions of rows, give the migrating role the
//! `maintenance_work_mem` the graph needs (about 4 KB a row) before running it. The tenant
//! indexes follow (`entity::search::tenant_index::HNSW_EF_CONSTRUCTION`; `vector-maintain`
//! rebuilds the old ones as "definition changed").
//!
//! Each graph is rebuilt CONCURRENTLY beside the old one, which is dropped concurrently, and
//! renamed to the old name ([`replace_index_concurrently`]): searches keep working throughout,
//! writers are never blocked. Outside a transaction; idempotent: a graph already built with
//! 128 is left alone, so a run stopped half-way is completed by the next. `brand_voices`
//! keeps its index (a few rows per brand).

use crate::util::{index_definition, replace_index_concurrently};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose graph is rebuilt.
const TABLES: [&str; 2] = ["messages", "chunks"];

/// The graph of `m20261204_000400_deferred_vector_graph` with `ef_construction = 128`.
const GRAPH: &str = "USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) \
                     WITH (m = 16, ef_construction = 128) WHERE embedding_indexed";

/// The graph of `m20261204_000400_deferred_vector_graph`, which `down` restores.
const PREVIOUS: &str = "USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) \
                        WITH (m = 16, ef_construction = 64) WHERE embedding_indexed";

/// Rebuild the graph of every table whose index is not yet built with `ef_construction`
/// `wanted`, on `definition`.
async fn rebuild(manager: &SchemaManager<'_>, wanted: u32, definition: &str) -> Result<(), DbErr> {
    for table in TABLES {
        let name = format!("{table}_embedding_hnsw_idx");
        let current = index_definition(manager, &name).await?;
        let done = current.is_some_and(|d| d.contains(&format!("ef_construction='{wanted}'")));
        if !done {
            replace_index_concurrently(manager, table, &name, definition).await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, 128, GRAPH).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, 64, PREVIOUS).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }
}
