//! The HNSW graph of `chunks` and `messages` leaves the insert path: a row enters the graph
//! when `vector-maintain` merges it, not when it is inserted.
//!
//! Inserting a row into an HNSW index rewrites up to `2·m` neighbour lists (with their WAL):
//! measured on 200k chunks, a 100-row `INSERT` batch with the graph maintained runs at 0.035×
//! the rows/s of the same batch without it (docs/VECTOR_SEARCH.md, "Deferred graph"). Each table
//! gets:
//!
//! - `embedding_indexed boolean NOT NULL`: whether the row is in the graph. Added with
//!   `DEFAULT true`, so every existing row (all of them in today's full index) is in the graph
//!   without a backfill; PostgreSQL 11+ stores a constant default in the catalog, so neither
//!   statement rewrites the table (a brief ACCESS EXCLUSIVE for the catalog change only). The
//!   default then becomes `false`: a new row waits.
//! - `<table>_embedding_pending_idx`: a B-tree over the waiting rows, `(organization_id) WHERE
//!   NOT embedding_indexed AND embedding IS NOT NULL`, small by construction: searches scan the
//!   waiting rows of the tenant exactly through it, and `vector-maintain` finds them through
//!   it. A row without an embedding never waits (a message that is never embedded costs
//!   nothing); one embedded later, by an UPDATE, starts waiting then.
//! - `<table>_embedding_hnsw_idx` becomes partial, `WHERE embedding_indexed`, and half
//!   precision, on `embedding::halfvec(1536)` (`halfvec_cosine_ops`): half the size of the
//!   `vector` graph (measured: docs/VECTOR_SEARCH.md, "Half precision graphs"). Built
//!   `CONCURRENTLY` beside the full one, which is then dropped concurrently, and renamed to the
//!   old name. Searches keep working throughout (the full index serves them until it goes).
//!
//! `brand_voices` keeps its full index: a handful of rows per brand, written rarely, and an
//! `updated_at` trigger that a merge would fire.
//!
//! Outside a transaction (CONCURRENTLY); every step is idempotent, so a run stopped half-way
//! (a lock timeout, a killed deploy) is completed by the next: an index that is already
//! partial is not rebuilt.

use crate::util::{create_index_concurrently, drop_index_concurrently};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::Statement;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables whose graph is deferred.
const TABLES: [&str; 2] = ["messages", "chunks"];

/// The graph: HNSW over the embedding in half precision (`halfvec`, 2 bytes a dimension: half
/// the size and build time of the `vector` graph, the same recall; searches sort the rows it
/// finds by the full-precision distance), the parameters of
/// `m20261125_001500_hnsw_vector_indexes`, merged rows only.
const GRAPH: &str = "USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) \
                     WITH (m = 16, ef_construction = 64) WHERE embedding_indexed";

/// The index `m20261125_001500_hnsw_vector_indexes` made, which `down` restores.
const FULL: &str = "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)";

/// Whether index `name` exists and is partial (has a predicate).
async fn is_partial(manager: &SchemaManager<'_>, name: &str) -> Result<bool, DbErr> {
    let row = manager
        .get_connection()
        .query_one_raw(Statement::from_sql_and_values(
            manager.get_database_backend(),
            "SELECT indpred IS NOT NULL AS partial FROM pg_index \
             WHERE indexrelid = to_regclass($1)",
            [name.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<bool>("", "partial")?,
        None => false,
    })
}

/// Replace index `name` of `table` by one built on `definition`: built under a second name
/// beside it, the old one dropped, the new one renamed. A run stopped between two steps is
/// completed by the next (each step is idempotent).
async fn replace_index(
    manager: &SchemaManager<'_>,
    table: &str,
    name: &str,
    definition: &str,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let next = format!("{table}_embedding_hnsw_next_idx");
    // The build takes minutes per million rows and blocks no writer (CONCURRENTLY), so the
    // runner's statement timeout, there to bound how long a statement holds its locks, is
    // lifted for it and restored afterwards; its lock timeout still bounds every wait.
    let saved: String = db
        .query_one_raw(Statement::from_string(
            manager.get_database_backend(),
            "SELECT current_setting('statement_timeout') AS v",
        ))
        .await?
        .map(|row| row.try_get("", "v"))
        .transpose()?
        .unwrap_or_else(|| "0".into());
    db.execute_unprepared("SET statement_timeout = 0").await?;
    create_index_concurrently(manager, &next, &format!("{table} {definition}")).await?;
    db.execute_unprepared(&format!(
        "SET statement_timeout = '{}'",
        saved.replace('\'', "")
    ))
    .await?;
    drop_index_concurrently(manager, name).await?;
    db.execute_unprepared(&format!(
        "-- No client names this index: the rename gives the new one the name the table's\n\
         -- HNSW index has always had (a brief lock on the index only).\n\
         -- squawk-ignore renaming-object\n\
         ALTER INDEX IF EXISTS {next} RENAME TO {name}"
    ))
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD COLUMN IF NOT EXISTS embedding_indexed boolean \
                 NOT NULL DEFAULT true"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "-- Setting the same default again changes nothing: safe to rerun.\n\
                 -- squawk-ignore prefer-robust-stmts\n\
                 ALTER TABLE {table} ALTER COLUMN embedding_indexed SET DEFAULT false"
            ))
            .await?;
            create_index_concurrently(
                manager,
                &format!("{table}_embedding_pending_idx"),
                &format!(
                    "{table} (organization_id) WHERE NOT embedding_indexed AND embedding IS NOT NULL"
                ),
            )
            .await?;
            let name = format!("{table}_embedding_hnsw_idx");
            if !is_partial(manager, &name).await? {
                replace_index(manager, table, &name, GRAPH).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES.iter().rev() {
            let name = format!("{table}_embedding_hnsw_idx");
            if is_partial(manager, &name).await? {
                replace_index(manager, table, &name, FULL).await?;
            }
            drop_index_concurrently(manager, &format!("{table}_embedding_pending_idx")).await?;
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} DROP COLUMN IF EXISTS embedding_indexed"
            ))
            .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }
}
