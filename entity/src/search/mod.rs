//! Vector search inside one organization: the `k` nearest chunks, messages or brand voices to a
//! query embedding by cosine distance, each returned with its distance.
//!
//! ```no_run
//! use entity::search::{SearchOptions, SearchStrategy, nearest_chunks};
//! use sea_orm::DatabaseConnection;
//!
//! # async fn demo(db: &DatabaseConnection, org: uuid::Uuid, query: Vec<f32>) -> Result<(), entity::search::SearchError> {
//! let query = entity::vector::embedding(query)?; // 1536 values, else an error before any I/O
//! let found = nearest_chunks(db, org, None, &query, &SearchOptions::default()).await?;
//! for hit in &found.neighbors {
//!     println!("{:.4}  {}", hit.distance, hit.model.text);
//! }
//! // Which plan answered: `Exact` for a small tenant, `Hnsw` through the tenant's own index
//! // (`hnsw_index: Some(Tenant)`) for a large one.
//! println!("strategy {:?} {:?}", found.strategy, found.hnsw_index);
//! # Ok(()) }
//! ```
//!
//! # How a search runs
//!
//! Each call runs in its own transaction (a savepoint when `db` is already a transaction, such
//! as the one [`crate::tenant::with_tenant`] opens, so row-level security applies as well). The
//! planner settings are set with `SET LOCAL` and the transaction (or savepoint) is rolled back
//! at the end, so no setting outlives the search: the caller's later queries plan as before.
//!
//! The strategy comes from [`SearchStrategy`], chosen in one place ([`configure`]):
//!
//! - [`SearchStrategy::Exact`]: scan the organization's rows (through its B-tree index) and
//!   sort them by distance (index scans off, so the HNSW index is not used). Recall is 1.0; the
//!   cost grows linearly with the tenant's size (figures: docs/VECTOR_SEARCH.md).
//! - [`SearchStrategy::Hnsw`]: walk an HNSW index (cosine; in half precision on `chunks` and
//!   `messages`, [`tenant_index::Precision`]) with `hnsw.ef_search`
//!   set to one candidate per [`GRAPH_ROWS_PER_CANDIDATE`] rows of the graph walked (a walk
//!   through a larger graph must go further to find the right region of it; through a
//!   tenant's sparser graph one per [`TENANT_GRAPH_ROWS_PER_CANDIDATE`]), from
//!   [`SearchOptions::ef_search`] up to [`SearchOptions::whole_table_ef_search`], over
//!   [`Scope::All`] and through a tenant's own graph alike, and to `ef_search` through the
//!   table's graph filtered to an organization ([`SearchResults::ef_search`] says which), and
//!   pgvector 0.8's iterative scan (`hnsw.iterative_scan = relaxed_order`): the walk goes on
//!   until `k` rows in scope passed the filter, and the final rows are re-sorted by distance.
//!   The index is the tenant's own partial index when `vector-maintain` made one
//!   ([`tenant_index`]; every row it holds is the tenant's, so the recall is that of an
//!   unfiltered search), the table's index otherwise
//!   (the sparser the tenant in the table, the lower the recall). Sorting is disabled for the
//!   statement so that the planner takes an index even where its cost model prefers an exact
//!   scan (it does inside every tenant, a 35% one included, and from `ef_search` 128 on the
//!   whole table). [`SearchResults::hnsw_index`] says which index answered.
//! - [`SearchStrategy::Auto`] (the default): through the tenant's own index when it has a
//!   valid one (and the search is not narrowed to a dataset, conversation or brand);
//!   otherwise count the rows in scope up to [`SearchOptions::exact_max_rows`] (a bounded
//!   index-only count) and search exactly when there are no more, through HNSW otherwise. The
//!   tenant-index probe, the count and the settings of the chosen strategy go in one statement
//!   ([`configure_sql`]), so `Auto` costs no extra round trip. A search over [`Scope::All`]
//!   (the whole table, for platform-wide jobs run by the owner role) always walks the table's
//!   index. docs/VECTOR_SEARCH.md has the measurements behind the defaults.
//!
//! On `chunks` and `messages` a new row waits outside the HNSW indexes until `vector-maintain`
//! merges it (inserts do not pay for the graph): the `Hnsw` forms add the exact nearest of the
//! scope's waiting rows to what the walk found ([`search_sql`]; docs/VECTOR_SEARCH.md,
//! "Deferred graph"), so every row is found from its commit.
//!
//! Plans are made for the actual parameters every time (`plan_cache_mode =
//! force_custom_plan`): a generic plan cached by a prepared statement would ignore both the
//! tenant and the settings.
//!
//! The SQL is public ([`search_sql`], [`settings_sql`], [`configure_sql`]) so that tools can
//! replay exactly what the helper sends; [`explain`] shows the plan a search gets.

mod options;
mod scope;
mod sql;
pub mod tenant_index;

pub use options::{
    DEFAULT_EF_SEARCH, DEFAULT_EXACT_MAX_ROWS, DEFAULT_K, DEFAULT_WHOLE_TABLE_EF_SEARCH,
    GRAPH_ROWS_PER_CANDIDATE, MAX_EF_SEARCH, SearchOptions, SearchStrategy,
    TENANT_GRAPH_ROWS_PER_CANDIDATE, rows_per_candidate, validate_query,
};
pub use scope::{Scope, Target};
pub use sql::{configure_sql, search_sql, search_values, settings_sql};

use crate::vector::DimensionError;
use crate::{brand_voices, chunks, messages};
use sea_orm::prelude::PgVector;
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, FromQueryResult, QueryResult, Statement, TransactionSession,
    TransactionTrait, Value,
};
use serde::{Deserialize, Serialize};
use sql::{counts, statement};
use uuid::Uuid;

/// One neighbour: the row and its cosine distance to the query (0 = same direction, 2 =
/// opposite).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Neighbor<M> {
    /// The row.
    pub model: M,
    /// Cosine distance to the query (`embedding <=> query`).
    pub distance: f64,
}

/// Which HNSW index a [`SearchStrategy::Hnsw`] search walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HnswIndex {
    /// The tenant's own partial index ([`tenant_index`]): only its rows.
    Tenant,
    /// The table's index (`<table>_embedding_hnsw_idx`), filtered to the scope.
    Table,
}

/// How a search was configured: what [`configure`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configured {
    /// [`SearchStrategy::Exact`] or [`SearchStrategy::Hnsw`], never `Auto`.
    pub strategy: SearchStrategy,
    /// For `Hnsw`: the index the planner takes (a valid tenant index when the scope is an
    /// organization that has one, the table's otherwise).
    pub hnsw_index: Option<HnswIndex>,
    /// For `Auto` inside an organization: the rows counted in scope, capped at
    /// `exact_max_rows + 1` (not counted when the organization has a tenant index and the
    /// search is not narrowed to a dataset, conversation or brand).
    pub scope_rows: Option<u64>,
    /// For `Hnsw`: the walk's `hnsw.ef_search` (over the whole table and through a tenant's
    /// own graph it follows the size of the graph, [`SearchOptions::ef_search_range`]).
    pub ef_search: Option<u32>,
}

/// The result of a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults<M> {
    /// The nearest rows, nearest first (at most `k`; fewer only when the scope holds fewer
    /// rows with an embedding).
    pub neighbors: Vec<Neighbor<M>>,
    /// The strategy that answered: [`SearchStrategy::Exact`] or [`SearchStrategy::Hnsw`],
    /// never `Auto`.
    pub strategy: SearchStrategy,
    /// For `Hnsw`: which index answered.
    pub hnsw_index: Option<HnswIndex>,
    /// For `Auto` inside an organization: the rows counted in scope, capped at
    /// `exact_max_rows + 1`.
    pub scope_rows: Option<u64>,
    /// For `Hnsw`: the `hnsw.ef_search` the walk kept.
    pub ef_search: Option<u32>,
}

/// The plan a search gets, from [`explain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// The strategy chosen (never `Auto`).
    pub strategy: SearchStrategy,
    /// For `Hnsw`: the index the planner is expected to take (the plan shows the one it took).
    pub hnsw_index: Option<HnswIndex>,
    /// For `Auto` inside an organization: the rows counted in scope, capped at
    /// `exact_max_rows + 1`.
    pub scope_rows: Option<u64>,
    /// For `Hnsw`: the `hnsw.ef_search` of the walk.
    pub ef_search: Option<u32>,
    /// `EXPLAIN (COSTS OFF)` of the search statement, one plan line per line.
    pub plan: String,
}

impl Explained {
    /// What [`configure`] decided for the search explained.
    pub fn configured(&self) -> Configured {
        Configured {
            strategy: self.strategy,
            hnsw_index: self.hnsw_index,
            scope_rows: self.scope_rows,
            ef_search: self.ef_search,
        }
    }
}

/// A search that could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query vector has the wrong number of dimensions (checked before any I/O).
    #[error("query vector: {0}")]
    Dimension(#[from] DimensionError),
    /// The query vector is zero or holds NaN or infinity: it has no cosine distance.
    #[error("query vector: {0}")]
    InvalidQuery(String),
    /// `k` or `ef_search` out of range.
    #[error("search options: {0}")]
    InvalidOptions(String),
    /// The database failed.
    #[error("vector search failed: {0}")]
    Db(#[from] DbErr),
}

/// The `k` chunks of `organization_id` (of `dataset_id` only, if given) nearest to `query`.
pub async fn nearest_chunks<C: TransactionTrait>(
    db: &C,
    organization_id: Uuid,
    dataset_id: Option<Uuid>,
    query: &PgVector,
    options: &SearchOptions,
) -> Result<SearchResults<chunks::Model>, SearchError> {
    search(
        db,
        organization_id,
        Target::Chunks { dataset_id },
        query,
        options,
    )
    .await
}

/// The `k` messages of `organization_id` (of `conversation_id` only, if given) nearest to
/// `query`.
pub async fn nearest_messages<C: TransactionTrait>(
    db: &C,
    organization_id: Uuid,
    conversation_id: Option<Uuid>,
    query: &PgVector,
    options: &SearchOptions,
) -> Result<SearchResults<messages::Model>, SearchError> {
    let target = Target::Messages { conversation_id };
    search(db, organization_id, target, query, options).await
}

/// The `k` brand voices of the brands of `organization_id` (of `brand_id` only, if given)
/// nearest to `query`.
pub async fn nearest_brand_voices<C: TransactionTrait>(
    db: &C,
    organization_id: Uuid,
    brand_id: Option<Uuid>,
    query: &PgVector,
    options: &SearchOptions,
) -> Result<SearchResults<brand_voices::Model>, SearchError> {
    let target = Target::BrandVoices { brand_id };
    search(db, organization_id, target, query, options).await
}

/// Search `target` inside `scope` (an organization id, or [`Scope::All`]) and read each row as
/// `M` (the target table's model, or any [`FromQueryResult`] of its columns) with its
/// distance.
pub async fn search<C, M>(
    db: &C,
    scope: impl Into<Scope>,
    target: Target,
    query: &PgVector,
    options: &SearchOptions,
) -> Result<SearchResults<M>, SearchError>
where
    C: TransactionTrait,
    M: FromQueryResult,
{
    let (configured, rows) = run(db, scope.into(), target, query, options, "").await?;
    let neighbors = rows
        .iter()
        .map(|row| {
            Ok(Neighbor {
                model: M::from_query_result(row, "")?,
                distance: distance_of(row)?,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok(SearchResults {
        neighbors,
        strategy: configured.strategy,
        hnsw_index: configured.hnsw_index,
        scope_rows: configured.scope_rows,
        ef_search: configured.ef_search,
    })
}

/// The plan the same search would get: `EXPLAIN (COSTS OFF)` with the same settings, in a
/// transaction rolled back afterwards. For tests and diagnosis (plan shape, not timing).
pub async fn explain<C: TransactionTrait>(
    db: &C,
    scope: impl Into<Scope>,
    target: Target,
    query: &PgVector,
    options: &SearchOptions,
) -> Result<Explained, SearchError> {
    explain_with(
        db,
        scope.into(),
        target,
        query,
        options,
        "EXPLAIN (COSTS OFF) ",
    )
    .await
}

/// [`explain`] with `EXPLAIN (ANALYZE, TIMING OFF)`: the search runs (read-only, rolled back
/// afterwards) and the plan ends with its `Planning Time` and `Execution Time` lines. For
/// measuring what the helper sends (the benchmark's planning figure), not for every call.
pub async fn explain_analyze<C: TransactionTrait>(
    db: &C,
    scope: impl Into<Scope>,
    target: Target,
    query: &PgVector,
    options: &SearchOptions,
) -> Result<Explained, SearchError> {
    let prefix = "EXPLAIN (ANALYZE, TIMING OFF) ";
    explain_with(db, scope.into(), target, query, options, prefix).await
}

async fn explain_with<C: TransactionTrait>(
    db: &C,
    scope: Scope,
    target: Target,
    query: &PgVector,
    options: &SearchOptions,
    prefix: &str,
) -> Result<Explained, SearchError> {
    let (configured, rows) = run(db, scope, target, query, options, prefix).await?;
    let plan = rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<Vec<_>, DbErr>>()?
        .join("\n");
    Ok(Explained {
        strategy: configured.strategy,
        hnsw_index: configured.hnsw_index,
        scope_rows: configured.scope_rows,
        ef_search: configured.ef_search,
        plan,
    })
}

/// Check the query and options, then in a transaction: [`configure`], run the search
/// statement (after `prefix`, e.g. `EXPLAIN`), roll back. Read-only work: rolling back ends
/// the `SET LOCAL`s (also when `db` is a transaction, where this is a savepoint) and changes
/// nothing else.
async fn run<C: TransactionTrait>(
    db: &C,
    scope: Scope,
    target: Target,
    query: &PgVector,
    options: &SearchOptions,
    prefix: &str,
) -> Result<(Configured, Vec<QueryResult>), SearchError> {
    validate_query(query)?;
    options.validate()?;
    let txn = db.begin().await?;
    let outcome = async {
        let configured = configure(&txn, scope, target, options).await?;
        let sql = format!("{prefix}{}", search_sql(scope, target, &configured));
        let rows = txn
            .query_all_raw(statement(sql, scope, target, query, options))
            .await?;
        Ok::<_, DbErr>((configured, rows))
    }
    .await;
    let ended = txn.rollback().await;
    let result = outcome?;
    ended?;
    Ok(result)
}

/// Decide the strategy and apply its settings to the transaction `txn`: the one place where
/// the strategy is chosen. One statement, [`configure_sql`], reads whether the organization
/// has a valid tenant index on the table. For `Auto` inside an organization: with a tenant
/// index (and no narrowing) it is `Hnsw` through it; otherwise the statement counts the rows in
/// scope up to `exact_max_rows + 1` and applies the settings of `Exact` when there are at most
/// `exact_max_rows`, of `Hnsw` otherwise ([`strategy_for`]). `Exact` and `Hnsw` stand, and
/// `Auto` over [`Scope::All`] is `Hnsw`.
pub async fn configure<C: ConnectionTrait>(
    txn: &C,
    scope: Scope,
    target: Target,
    options: &SearchOptions,
) -> Result<Configured, DbErr> {
    let counted = counts(scope, options);
    let index_name: Value = scope
        .organization()
        .and_then(|org| target.tenant_index_name(org))
        .into();
    let values: Vec<Value> = match (counted, scope) {
        (true, Scope::Organization(org)) => {
            let mut values = vec![
                org.into(),
                i64::from(options.exact_max_rows).saturating_add(1).into(),
                index_name,
            ];
            if let Some(within) = target.within() {
                values.push(within.into());
            }
            values
        }
        _ => vec![index_name],
    };
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            configure_sql(scope, target, options),
            values,
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the search configuration returned no row".into()))?;
    let scope_rows = row
        .try_get::<Option<i64>>("", "n")?
        .map(|n| u64::try_from(n).unwrap_or(0));
    let tenant_index: bool = row.try_get("", "tenant_index")?;
    let ef_search = u32::try_from(row.try_get::<i32>("", "ef_search")?).unwrap_or(0);
    let strategy = match (options.strategy, scope_rows) {
        (SearchStrategy::Auto, Some(rows)) => strategy_for(rows, options),
        (SearchStrategy::Auto, None) => SearchStrategy::Hnsw,
        (fixed, _) => fixed,
    };
    let hnsw_index = (strategy == SearchStrategy::Hnsw).then_some(if tenant_index {
        HnswIndex::Tenant
    } else {
        HnswIndex::Table
    });
    Ok(Configured {
        strategy,
        hnsw_index,
        scope_rows,
        ef_search: (strategy == SearchStrategy::Hnsw).then_some(ef_search),
    })
}

/// The strategy `Auto` takes for a scope of `rows` rows: `Exact` up to `exact_max_rows`,
/// `Hnsw` above.
pub fn strategy_for(rows: u64, options: &SearchOptions) -> SearchStrategy {
    if rows <= u64::from(options.exact_max_rows) {
        SearchStrategy::Exact
    } else {
        SearchStrategy::Hnsw
    }
}

fn distance_of(row: &QueryResult) -> Result<f64, DbErr> {
    row.try_get::<f64>("", "distance")
}
