//! Figure 9: online ingestion through the entities. `insert_many` of 100-row batches of chunks
//! with embeddings into the tenant nearest 10% of the table, every index present (the graph
//! deferred: the rows wait outside it until `vector-maintain` merges them), against the same
//! inserts into a copy of the table without vector indexes (the baseline), and against the
//! same inserts made with `embedding_indexed = true`, which puts each row into the HNSW graphs
//! on the insert path (what every insert paid before the graph was deferred). Then the merge
//! `vector-maintain` makes of the waiting rows, timed. The last two are rates of graph inserts
//! (about 30 ms a row at a million rows): they are measured on `ingest_graph_rows` rows, the
//! series on insert that long, and the merge on the last deferred series' rows that many (the
//! other waiting rows are deleted before it).
//!
//! The baseline table is `ingest_baseline.chunks`: the same columns, defaults, B-tree indexes
//! (the waiting rows' one included), foreign keys and rows as `public.chunks`, no HNSW index;
//! the inserts reach it through the `search_path` of a connection of its own, so the entity
//! code is the same. Rounds alternate between the two tables.

use crate::stats::median;
use crate::{BenchConfig, BenchError};
use entity::prelude::*;
use entity::search::tenant_index;
use neonhub_db::DatabaseUrl;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use seeder::synth::SynthPlan;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Rows per `insert_many`.
pub const BATCH: usize = 100;
/// `idx` of the first inserted chunk (above every loaded one: the key `(organization_id,
/// document_id, idx)` stays unique).
const FIRST_IDX: i32 = 1_000_000_000;

/// Figure 9 in detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestResult {
    /// The tenant's share of the chunks.
    pub tenant_share: f64,
    /// Rows per measured series.
    pub rows: usize,
    /// Rows of the series put into the graphs on insert, and of the merge timed.
    #[serde(default)]
    pub graph_rows: usize,
    /// Series per path.
    pub rounds: usize,
    /// Median rows/s into the table without vector indexes (the baseline).
    pub baseline_rows_per_second: f64,
    /// Median rows/s with every index present, the rows waiting outside the graph.
    pub deferred_rows_per_second: f64,
    /// Rows/s with every index present, each row put into the graphs on insert (one series).
    pub immediate_rows_per_second: f64,
    /// Rows `vector-maintain` merged afterwards, and its rows/s.
    pub merged_rows: u64,
    /// Merge throughput, rows/s.
    pub merge_rows_per_second: f64,
}

/// Insert `vectors` as chunks of `sibling`'s tenant and document in batches of [`BATCH`];
/// `indexed` sets `embedding_indexed` explicitly (else the column's default). Returns rows/s.
async fn insert(
    db: &DatabaseConnection,
    sibling: &chunks::Model,
    vectors: &[pgvector::Vector],
    first_idx: i32,
    indexed: Option<bool>,
) -> Result<f64, BenchError> {
    let started = Instant::now();
    for (b, batch) in vectors.chunks(BATCH).enumerate() {
        let rows = batch.iter().enumerate().map(|(i, vector)| {
            let mut row = chunks::ActiveModel {
                dataset_id: Set(sibling.dataset_id),
                document_id: Set(sibling.document_id),
                organization_id: Set(sibling.organization_id),
                embedding_space_id: Set(sibling.embedding_space_id),
                idx: Set(first_idx + (b * BATCH + i) as i32),
                text: Set(format!("ingested chunk {}", b * BATCH + i)),
                embedding: Set(Some(vector.clone())),
                ..chunks::ActiveModel::new()
            };
            if let Some(indexed) = indexed {
                row.embedding_indexed = Set(indexed);
            }
            row
        });
        chunks::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(vectors.len() as f64 / started.elapsed().as_secs_f64().max(1e-9))
}

/// The baseline table: `ingest_baseline.chunks` like `public.chunks` without its HNSW indexes,
/// with its foreign keys and rows, but not their vectors: every B-tree (the ones an insert
/// pays for) is as large as in `chunks`, while the copy stays small and quick at a million rows
/// (the vectors are in no B-tree; new rows are appended to the heap and its TOAST table
/// whatever their size).
async fn create_baseline(db: &DatabaseConnection) -> Result<(), BenchError> {
    db.execute_unprepared(
        "DROP SCHEMA IF EXISTS ingest_baseline CASCADE; CREATE SCHEMA ingest_baseline; \
         CREATE TABLE ingest_baseline.chunks (LIKE public.chunks INCLUDING DEFAULTS \
         INCLUDING CONSTRAINTS INCLUDING INDEXES)",
    )
    .await?;
    // The HNSW indexes go before the rows come (else the copy would build the graph row by
    // row); the foreign keys come after them.
    let statements = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT 0 AS step, format('DROP INDEX ingest_baseline.%I', c.relname) AS sql \
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_am a ON a.oid = c.relam \
             WHERE i.indrelid = 'ingest_baseline.chunks'::regclass AND a.amname = 'hnsw' \
             UNION ALL SELECT 1, format('INSERT INTO ingest_baseline.chunks (%s) SELECT %s \
                    FROM public.chunks', string_agg(quote_ident(attname), ', ' ORDER BY attnum), \
                    string_agg(CASE WHEN attname = 'embedding' THEN 'NULL' \
                    ELSE quote_ident(attname) END, ', ' ORDER BY attnum)) \
             FROM pg_attribute WHERE attrelid = 'public.chunks'::regclass AND attnum > 0 \
             AND NOT attisdropped \
             UNION ALL \
             SELECT 2, format('ALTER TABLE ingest_baseline.chunks ADD %s', \
                    pg_get_constraintdef(oid)) \
             FROM pg_constraint WHERE conrelid = 'public.chunks'::regclass AND contype = 'f' \
             ORDER BY 1",
        ))
        .await?;
    for row in &statements {
        let sql: String = row.try_get("", "sql")?;
        db.execute_unprepared(&sql).await?;
    }
    db.execute_unprepared("VACUUM (ANALYZE) ingest_baseline.chunks")
        .await?;
    Ok(())
}

/// Measure figure 9 on the loaded and maintained database `db` (at `url`).
pub async fn measure(
    url: &DatabaseUrl,
    db: &DatabaseConnection,
    plan: &SynthPlan,
    config: &BenchConfig,
    log: &dyn Fn(&str),
) -> Result<IngestResult, BenchError> {
    let total: usize = plan.tenants().iter().map(|t| t.chunks).sum();
    let tenant = plan
        .tenants()
        .iter()
        .min_by_key(|t| (t.chunks as i64 - total as i64 / 10).unsigned_abs())
        .ok_or_else(|| BenchError::Check("no tenant".into()))?;
    let sibling = chunks::Entity::find()
        .filter(chunks::Column::OrganizationId.eq(tenant.id))
        .one(db)
        .await?
        .ok_or_else(|| BenchError::Check("the 10% tenant has no chunks".into()))?;
    let rows = config.ingest_rows.max(BATCH);
    let graph_rows = config.ingest_graph_rows.unwrap_or(rows).clamp(BATCH, rows);
    let rounds = 3;
    let vectors = crate::search::query_vectors(plan, rows * 2 * rounds + graph_rows);
    log("ingestion: copying chunks into the baseline table (no vector index)");
    create_baseline(db).await?;
    let baseline_db = neonhub_db::connect(url, neonhub_db::DEFAULT_CONNECT_TIMEOUT, 1).await?;
    baseline_db
        .execute_unprepared("SET search_path = ingest_baseline, public")
        .await?;
    let (mut baseline, mut deferred) = (Vec::new(), Vec::new());
    let (series, on_insert) = vectors.split_at(rows * 2 * rounds);
    let mut series = series.chunks(rows);
    let mut next_idx = FIRST_IDX;
    for round in 0..rounds {
        for (turn, target) in [(0, &baseline_db), (1, db)] {
            let batch = series.next().unwrap_or_default();
            let rate = insert(target, &sibling, batch, next_idx, None).await?;
            next_idx += rows as i32;
            log(&format!(
                "ingestion round {}: {} {rate:.0} rows/s",
                round + 1,
                if turn == 0 {
                    "without vector indexes"
                } else {
                    "every index, graph deferred"
                }
            ));
            if turn == 0 {
                &mut baseline
            } else {
                &mut deferred
            }
            .push(rate);
        }
    }
    baseline_db.close().await.ok();
    // The last series inserted was a deferred one: the merge is timed on its last
    // `graph_rows` rows.
    let merged_from = next_idx - graph_rows as i32;
    let immediate = insert(db, &sibling, on_insert, next_idx, Some(true)).await?;
    log(&format!(
        "ingestion: every index, graph maintained on insert {immediate:.0} rows/s ({} rows)",
        on_insert.len()
    ));
    db.execute_unprepared("DROP SCHEMA ingest_baseline CASCADE")
        .await?;
    // The merge is timed on `graph_rows` waiting rows: the others go first.
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        format!(
            "DELETE FROM chunks WHERE organization_id = $1 AND idx >= $2 AND idx < $3 \
             AND NOT {}",
            tenant_index::GRAPH_COLUMN
        ),
        [tenant.id.into(), FIRST_IDX.into(), merged_from.into()],
    ))
    .await?;

    let report = maintain::run(url, &config.maintain_options(), |_| {}).await?;
    let (merged_rows, merge_seconds) = report
        .done
        .iter()
        .filter_map(|d| match &d.action {
            maintain::Action::Merge { table, rows } if table == "chunks" => {
                Some((*rows, d.seconds))
            }
            _ => None,
        })
        .fold((0, 0.0), |(r, s), (rows, seconds)| (r + rows, s + seconds));
    let waiting = crate::data::count(
        db,
        &format!(
            "SELECT count(*) AS n FROM chunks WHERE NOT {}",
            tenant_index::GRAPH_COLUMN
        ),
    )
    .await?;
    if waiting != 0 {
        return Err(BenchError::Check(format!(
            "{waiting} chunks still wait outside the graph after vector-maintain"
        )));
    }
    Ok(IngestResult {
        tenant_share: tenant.chunks as f64 / total.max(1) as f64,
        rows,
        graph_rows,
        rounds,
        baseline_rows_per_second: median(&baseline),
        deferred_rows_per_second: median(&deferred),
        immediate_rows_per_second: immediate,
        merged_rows,
        merge_rows_per_second: merged_rows as f64 / merge_seconds.max(1e-9),
    })
}
