//! Figures 2b to 5: top-k search over the whole table (HNSW vs exact, raw; the helper over
//! [`Scope::All`] vs the same SQL raw), inside each tenant through the entity helper (vs exact)
//! before and after the tenant-index maintenance (which is figure 2b), and the helper vs the
//! same SQL sent raw inside a tenant.
//!
//! Split by figure family: [`global`] (whole table, figures 2 to 3b), [`tenants`] (inside each
//! tenant, before and after the tenant-index maintenance), [`overhead`] (the helper over the whole
//! table and inside a tenant vs the same SQL raw, figures 3c to 5), [`planning`] (figure 11);
//! the statements, the series,
//! the goals and the plan checks they share stay here.

use crate::stats::{Latency, mean_recall};
use crate::{BenchConfig, BenchError};
use entity::search::tenant_index::{self, TenantIndexPolicy};
use entity::search::{
    Configured, Explained, HnswIndex, Scope, SearchOptions, SearchStrategy, Target, explain,
    nearest_chunks, search, search_sql, settings_sql,
};
use neonhub_db::DatabaseUrl;
use pgvector::Vector;
use sea_orm::sqlx::{self, AssertSqlSafe, Row, postgres::PgConnection};
use sea_orm::{DatabaseConnection, FromQueryResult};
use seeder::synth::{SynthPlan, Tenant};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use uuid::Uuid;

/// Queries run first, unmeasured, to warm caches and statement caches.
const WARMUP: usize = 10;
/// Queries run first, unmeasured, before an exact series: one is enough, since an exact search
/// reads every row of its scope (what the next query reads, the first one has read), and at a
/// million rows each costs seconds (ten warm-ups were 45 s of the scale run).
const EXACT_WARMUP: usize = 1;

/// Whole-table top-k, the same statement for both plans (the settings decide). The graph is
/// partial (`WHERE embedding_indexed`: rows wait outside it until vector-maintain merges
/// them) and in half precision, so the statement states the predicate and the graph's
/// expression for the planner to take the index; after the bulk load every row is merged
/// ([`crate::data::measure_load`] checks it), so it covers the whole table. The ids are those
/// of the half-precision order (the helper re-sorts its rows by full-precision distance).
const GLOBAL_SQL: &str = "/* bench global */ SELECT id FROM chunks WHERE embedding_indexed \
     ORDER BY embedding::halfvec(1536) <=> $1::halfvec(1536) LIMIT $2";
/// Exact top-k inside one organization (the baseline of figures 4 and the tenant table).
const TENANT_EXACT_SQL: &str = "/* bench tenant exact */ SELECT id FROM chunks \
     WHERE organization_id = $2 AND embedding IS NOT NULL ORDER BY embedding <=> $1 LIMIT $3";
/// Settings of the exact baseline: no index scans (so no HNSW), plans for the actual values.
const EXACT_SETTINGS: &str =
    "BEGIN; SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL enable_indexscan = off";

/// The `n` benchmark queries of `plan`, as pgvector values.
pub fn query_vectors(plan: &SynthPlan, n: usize) -> Vec<Vector> {
    plan.queries(n).into_iter().map(Vector::from).collect()
}

/// Ids and seconds of one series of raw queries.
struct Series {
    ids: Vec<Vec<Uuid>>,
    seconds: Vec<f64>,
}

/// Run `sql` (binds: query, then `extra` as organization id and k) for each query, each in a
/// transaction opened with `begin` (BEGIN and SET LOCALs, one round trip) and rolled back.
/// Only the statement itself is timed.
async fn raw_series(
    conn: &mut PgConnection,
    begin: &str,
    sql: &'static str,
    organization: Option<Uuid>,
    queries: &[Vector],
    k: u32,
) -> Result<Series, BenchError> {
    let mut series = Series {
        ids: Vec::with_capacity(queries.len()),
        seconds: Vec::with_capacity(queries.len()),
    };
    for query in queries {
        sqlx::raw_sql(AssertSqlSafe(begin.to_owned()))
            .execute(&mut *conn)
            .await?;
        let mut statement = sqlx::query(sql).bind(query.clone());
        if let Some(org) = organization {
            statement = statement.bind(org);
        }
        let started = Instant::now();
        let rows = statement.bind(i64::from(k)).fetch_all(&mut *conn).await?;
        series.seconds.push(started.elapsed().as_secs_f64());
        sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await?;
        series.ids.push(
            rows.iter()
                .map(|r| r.try_get::<Uuid, _>("id"))
                .collect::<Result<_, _>>()?,
        );
    }
    Ok(series)
}

async fn plan_text(
    conn: &mut PgConnection,
    begin: &str,
    query: &Vector,
) -> Result<String, BenchError> {
    sqlx::raw_sql(AssertSqlSafe(begin.to_owned()))
        .execute(&mut *conn)
        .await?;
    let rows = sqlx::query(AssertSqlSafe(format!("EXPLAIN (COSTS OFF) {GLOBAL_SQL}")))
        .bind(query.clone())
        .bind(10_i64)
        .fetch_all(&mut *conn)
        .await?;
    sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>(0).ok())
        .collect::<Vec<_>>()
        .join("\n"))
}

/// What answered one search: the strategy, and for HNSW which index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answered {
    /// Exact search: the tenant's rows sorted by distance (no HNSW index).
    Exact,
    /// HNSW through the tenant's own partial index.
    TenantIndex,
    /// HNSW through the table's index (`chunks_embedding_hnsw_idx`), filtered to the scope.
    TableIndex,
}

impl Answered {
    /// What answered a search the helper reports as `strategy` through `index`.
    pub fn of(strategy: SearchStrategy, index: Option<HnswIndex>) -> Self {
        match (strategy, index) {
            (SearchStrategy::Hnsw, Some(HnswIndex::Tenant)) => Self::TenantIndex,
            (SearchStrategy::Hnsw, _) => Self::TableIndex,
            _ => Self::Exact,
        }
    }

    /// `exact`, `tenant index`, `table index`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::TenantIndex => "tenant index",
            Self::TableIndex => "table index",
        }
    }
}

/// Count one more search answered by `answered`.
fn tally(counts: &mut Vec<(Answered, usize)>, answered: Answered) {
    match counts.iter_mut().find(|(a, _)| *a == answered) {
        Some((_, n)) => *n += 1,
        None => counts.push((answered, 1)),
    }
}

/// One series of searches (raw SQL or the helper): latency, recall against the exact ids,
/// rows returned, and what answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchSeries {
    /// Latency (for the helper: the whole call, transaction, configuration and statement; for
    /// raw SQL: as its measurement says).
    pub latency: Latency,
    /// Mean recall@k against exact search.
    pub recall: f64,
    /// Fewest rows a query returned.
    pub min_rows: usize,
    /// Most rows a query returned.
    pub max_rows: usize,
    /// What answered, with how many queries each.
    pub answered: Vec<(Answered, usize)>,
    /// For the helper: the largest `hnsw.ef_search` a walk of the series kept
    /// ([`entity::search::SearchResults::ef_search`]; `None` when no query walked a graph or
    /// the series is raw SQL).
    #[serde(default)]
    pub ef_search: Option<u32>,
}

impl SearchSeries {
    /// Summarise a series: `seconds` of the timed calls, `ids` found by each query (recall
    /// against `exact`, query by query).
    pub fn of(
        seconds: &[f64],
        ids: &[Vec<Uuid>],
        exact: &[Vec<Uuid>],
        answered: Vec<(Answered, usize)>,
    ) -> Self {
        Self {
            latency: Latency::of(seconds),
            recall: mean_recall(ids, exact),
            min_rows: ids.iter().map(Vec::len).min().unwrap_or(0),
            max_rows: ids.iter().map(Vec::len).max().unwrap_or(0),
            answered,
            ef_search: None,
        }
    }

    /// Whether every query returned exactly `k` rows.
    pub fn every_k(&self, k: usize) -> bool {
        self.min_rows == k && self.max_rows == k
    }

    /// Whether every query was answered by `answered`.
    pub fn only(&self, answered: Answered) -> bool {
        !self.answered.is_empty() && self.answered.iter().all(|(a, _)| *a == answered)
    }

    /// `exact` when one thing answered every query, else `exact ×3, table index ×7`; then
    /// ` (ef_search 300)` when the helper walked a graph.
    pub fn describe_answered(&self) -> String {
        let answered = match self.answered.as_slice() {
            [(a, _)] => a.label().to_owned(),
            many => many
                .iter()
                .map(|(a, n)| format!("{} ×{n}", a.label()))
                .collect::<Vec<_>>()
                .join(", "),
        };
        match self.ef_search {
            Some(ef) => format!("{answered} (ef_search {ef})"),
            None => answered,
        }
    }

    /// `p50 1.23 ms, p95 2.34 ms, recall 0.990, rows 10–10, answered by exact`.
    pub fn describe(&self) -> String {
        format!(
            "{}, recall {:.3}, rows {}–{}, answered by {}",
            self.latency.describe(),
            self.recall,
            self.min_rows,
            self.max_rows,
            self.describe_answered()
        )
    }
}

/// Recall@k every tenant must reach through the helper (`Auto`, after the maintenance).
pub const GOAL_RECALL: f64 = 0.95;
/// p50 latency (ms) every tenant must reach through the helper (`Auto`, after the maintenance).
pub const GOAL_P50_MS: f64 = 10.0;
/// p95 latency (ms) every tenant must reach through the helper (`Auto`, after the maintenance;
/// figure 4z).
pub const GOAL_P95_MS: f64 = 25.0;
/// Tenants with at least this many rows are always measured (figure 4z); smaller ones may be
/// sampled ([`crate::BenchConfig::small_tenants`]).
pub const SMALL_TENANT_ROWS: usize = 1_000;
/// Recall@k the helper must reach over the whole table (figure 3c).
pub const UNFILTERED_RECALL: f64 = 0.98;
/// Largest helper p50 / raw p50 over the whole table (figure 3d).
pub const UNFILTERED_MAX_RATIO: f64 = 1.25;

/// The helper through [`nearest_chunks`] inside `org`: warm-up, then every query timed.
async fn helper_series(
    db: &DatabaseConnection,
    org: Uuid,
    queries: &[Vector],
    options: &SearchOptions,
    exact: &[Vec<Uuid>],
) -> Result<SearchSeries, BenchError> {
    for query in &queries[..WARMUP.min(queries.len())] {
        nearest_chunks(db, org, None, query, options).await?;
    }
    let mut ids = Vec::with_capacity(queries.len());
    let mut seconds = Vec::with_capacity(queries.len());
    let mut answered = Vec::new();
    let mut ef_search = None;
    for query in queries {
        let started = Instant::now();
        let found = nearest_chunks(db, org, None, query, options).await?;
        seconds.push(started.elapsed().as_secs_f64());
        tally(
            &mut answered,
            Answered::of(found.strategy, found.hnsw_index),
        );
        ef_search = ef_search.max(found.ef_search);
        ids.push(found.neighbors.iter().map(|n| n.model.id).collect());
    }
    Ok(SearchSeries {
        ef_search,
        ..SearchSeries::of(&seconds, &ids, exact, answered)
    })
}

/// Whether `explained` (EXPLAIN of a helper search of `table` inside `scope`) shows the plan
/// the helper reports: for `Hnsw`, a scan of the index it names (the tenant's index when
/// [`Explained::hnsw_index`] is [`HnswIndex::Tenant`], the table's `<table>_embedding_hnsw_idx`
/// otherwise); for `Exact`, no HNSW index at all.
pub fn plan_matches(explained: &Explained, table: &str, scope: Scope) -> bool {
    match explained.strategy {
        SearchStrategy::Hnsw => {
            let index = match (explained.hnsw_index, scope.organization()) {
                (Some(HnswIndex::Tenant), Some(org)) => tenant_index::index_name(table, org),
                _ => format!("{table}_embedding_hnsw_idx"),
            };
            explained.plan.contains(&index)
        }
        _ => !explained.plan.contains("hnsw"),
    }
}

mod global;
mod overhead;
mod planning;
mod tenants;

pub use global::*;
pub use overhead::*;
pub use planning::*;
pub use tenants::*;
