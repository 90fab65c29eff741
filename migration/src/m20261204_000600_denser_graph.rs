//! The HNSW graphs of `chunks` and `messages` are built with `m = 32` (was 16): at a million
//! clustered chunks the whole-table recall@10 stopped at 0.97 whatever `ef_search` (0.83 at
//! 160, 0.90 at 400, 0.97 from 600 to 1,000; 30 queries, 20 candidates re-ranked): some rows
//! of crowded clusters were reachable by no walk, with 32 links per row on the lowest layer.
//! With 64 the same data gives 0.98 at `ef_search` 160 and 0.99 from 400 on, at about the same
//! latency (p50 20 ms at 600) and size (3,906 MiB either way), for 1.7× the build time
//! (1,759 s against 1,028 s on 2 cores; docs/VECTOR_SEARCH.md, "Why m 32"). Give the migrating
//! role the `maintenance_work_mem` the graph needs (about 4 KB a row) before running it on
//! millions of rows. The tenant indexes keep `m = 16` (each is a graph of one tenant's rows:
//! recall ≥ 0.96 at every size measured); `brand_voices` keeps its index.
//!
//! Each graph is rebuilt CONCURRENTLY beside the old one, which is dropped concurrently, and
//! renamed to the old name ([`replace_index_concurrently`]): searches keep working throughout,
//! writers are never blocked. Outside a transaction; idempotent: a graph already built with
//! the wanted `m` is left alone, so a run stopped half-way is completed by the next.

use crate::util::{index_definition, replace_index_concurrently};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose graph is rebuilt.
const TABLES: [&str; 2] = ["messages", "chunks"];

/// The graph of `m20261204_000500_graph_build_quality` with `m = 32`.
const GRAPH: &str = "USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) \
                     WITH (m = 32, ef_construction = 128) WHERE embedding_indexed";

/// The graph of `m20261204_000500_graph_build_quality`, which `down` restores.
const PREVIOUS: &str = "USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) \
                        WITH (m = 16, ef_construction = 128) WHERE embedding_indexed";

/// Rebuild the graph of every table whose index is not yet built with `m` = `wanted`, on
/// `definition`.
async fn rebuild(manager: &SchemaManager<'_>, wanted: u32, definition: &str) -> Result<(), DbErr> {
    for table in TABLES {
        let name = format!("{table}_embedding_hnsw_idx");
        let current = index_definition(manager, &name).await?;
        if !current.is_some_and(|d| d.contains(&format!("(m='{wanted}'"))) {
            replace_index_concurrently(manager, table, &name, definition).await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, 32, GRAPH).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, 16, PREVIOUS).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }
}
