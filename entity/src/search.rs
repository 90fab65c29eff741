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
//! - [`SearchStrategy::Hnsw`]: walk an HNSW index (`vector_cosine_ops`) with `hnsw.ef_search`
//!   set to [`SearchOptions::ef_search`] and pgvector 0.8's iterative scan
//!   (`hnsw.iterative_scan = relaxed_order`): the walk goes on until `k` rows in scope passed
//!   the filter, and the final rows are re-sorted by distance. The index is the tenant's own
//!   partial index when `vector-maintain` made one ([`tenant_index`]; every row it holds is the
//!   tenant's, so the recall is that of an unfiltered search), the table's index otherwise
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
//! Plans are made for the actual parameters every time (`plan_cache_mode =
//! force_custom_plan`): a generic plan cached by a prepared statement would ignore both the
//! tenant and the settings.
//!
//! The SQL is public ([`search_sql`], [`settings_sql`], [`configure_sql`]) so that tools can
//! replay exactly what the helper sends; [`explain`] shows the plan a search gets.

pub mod tenant_index;

use crate::vector::{DimensionError, check};
use crate::{brand_voices, chunks, messages};
use sea_orm::prelude::PgVector;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, IdenStatic,
    Iterable, QueryResult, Statement, TransactionSession, TransactionTrait, Value,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Default number of neighbours returned.
pub const DEFAULT_K: u32 = 10;
/// Default `hnsw.ef_search`: the size of the candidate list an HNSW walk keeps. 160 keeps the
/// whole-table recall@10 at 0.98 or more whatever the build of the graph, for a fraction of a
/// millisecond more than lower values (measurements: docs/VECTOR_SEARCH.md, "Why ef_search 160").
pub const DEFAULT_EF_SEARCH: u32 = 160;
/// Default scope size (rows) up to which [`SearchStrategy::Auto`] searches exactly, and above
/// which a tenant gets its own HNSW index ([`tenant_index::TenantIndexPolicy`]): up to here an
/// exact search is about as fast as a walk of a tenant index, beyond it slower (measurements:
/// docs/VECTOR_SEARCH.md, "Why 1,500").
pub const DEFAULT_EXACT_MAX_ROWS: u32 = 1_500;
/// Largest `hnsw.ef_search` pgvector accepts (and the largest `k` this module serves).
pub const MAX_EF_SEARCH: u32 = 1_000;

/// How the nearest rows are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchStrategy {
    /// HNSW through the tenant's own index when it has one; otherwise exact for scopes of at
    /// most [`SearchOptions::exact_max_rows`] rows, HNSW above.
    #[default]
    Auto,
    /// Exact search: the tenant's rows sorted by distance (index scans disabled, so the HNSW
    /// index is never used). Recall 1.0.
    Exact,
    /// Approximate search through the HNSW index with an iterative scan; the final rows are
    /// re-sorted by distance.
    Hnsw,
}

impl SearchStrategy {
    /// Lower-case name (`auto`, `exact`, `hnsw`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Exact => "exact",
            Self::Hnsw => "hnsw",
        }
    }
}

impl std::fmt::Display for SearchStrategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Options of a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchOptions {
    /// How many neighbours to return (1 to [`MAX_EF_SEARCH`]).
    pub k: u32,
    /// `hnsw.ef_search` for [`SearchStrategy::Hnsw`] (1 to [`MAX_EF_SEARCH`]).
    pub ef_search: u32,
    /// Which strategy to use.
    pub strategy: SearchStrategy,
    /// For [`SearchStrategy::Auto`]: the largest scope (rows of the organization, narrowed to
    /// the dataset, conversation or brand if one is given) searched exactly, when the
    /// organization has no tenant index (or the search is narrowed).
    pub exact_max_rows: u32,
}

impl Default for SearchOptions {
    fn default() -> Self {
        Self {
            k: DEFAULT_K,
            ef_search: DEFAULT_EF_SEARCH,
            strategy: SearchStrategy::Auto,
            exact_max_rows: DEFAULT_EXACT_MAX_ROWS,
        }
    }
}

impl SearchOptions {
    /// These options with `k` neighbours.
    pub fn k(mut self, k: u32) -> Self {
        self.k = k;
        self
    }

    /// These options with another `hnsw.ef_search`.
    pub fn ef_search(mut self, ef_search: u32) -> Self {
        self.ef_search = ef_search;
        self
    }

    /// These options with another strategy.
    pub fn strategy(mut self, strategy: SearchStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// These options with another threshold for [`SearchStrategy::Auto`].
    pub fn exact_max_rows(mut self, rows: u32) -> Self {
        self.exact_max_rows = rows;
        self
    }

    fn validate(&self) -> Result<(), SearchError> {
        if !(1..=MAX_EF_SEARCH).contains(&self.k) {
            return Err(SearchError::InvalidOptions(format!(
                "k is {}, expected 1 to {MAX_EF_SEARCH}",
                self.k
            )));
        }
        if !(1..=MAX_EF_SEARCH).contains(&self.ef_search) {
            return Err(SearchError::InvalidOptions(format!(
                "ef_search is {}, expected 1 to {MAX_EF_SEARCH}",
                self.ef_search
            )));
        }
        Ok(())
    }
}

/// Which rows a search considers: one organization's (what backend code always wants) or the
/// whole table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The rows of one organization.
    Organization(Uuid),
    /// Every row of the table: platform-wide jobs run by the owner role (under row-level
    /// security, the app role still sees only its tenant's rows, through a filter on the
    /// table's index: search as [`Scope::Organization`] there).
    All,
}

impl From<Uuid> for Scope {
    fn from(organization_id: Uuid) -> Self {
        Self::Organization(organization_id)
    }
}

impl Scope {
    /// The organization, if the scope is one.
    pub fn organization(self) -> Option<Uuid> {
        match self {
            Self::Organization(id) => Some(id),
            Self::All => None,
        }
    }
}

/// What is searched: the table, and optionally a narrower scope inside the organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// `chunks` of the organization, optionally of one dataset.
    Chunks {
        /// Only this dataset's chunks.
        dataset_id: Option<Uuid>,
    },
    /// `messages` of the organization, optionally of one conversation.
    Messages {
        /// Only this conversation's messages.
        conversation_id: Option<Uuid>,
    },
    /// `brand_voices` of the organization's brands, optionally of one brand.
    BrandVoices {
        /// Only this brand's voices.
        brand_id: Option<Uuid>,
    },
}

impl Target {
    /// The table searched.
    pub fn table(&self) -> &'static str {
        match self {
            Self::Chunks { .. } => "chunks",
            Self::Messages { .. } => "messages",
            Self::BrandVoices { .. } => "brand_voices",
        }
    }

    /// The narrowing id (dataset, conversation or brand), if any.
    pub fn within(&self) -> Option<Uuid> {
        match *self {
            Self::Chunks { dataset_id } => dataset_id,
            Self::Messages { conversation_id } => conversation_id,
            Self::BrandVoices { brand_id } => brand_id,
        }
    }

    /// The select list of the table's entity (enum columns cast to text, as SeaORM reads them).
    fn columns(&self) -> String {
        match self {
            Self::Chunks { .. } => select_list::<chunks::Entity>(),
            Self::Messages { .. } => select_list::<messages::Entity>(),
            Self::BrandVoices { .. } => select_list::<brand_voices::Entity>(),
        }
    }

    /// The name of the tenant index of `organization_id` on this table, if the table has
    /// tenant indexes ([`tenant_index::tables`]).
    pub fn tenant_index_name(&self, organization_id: Uuid) -> Option<String> {
        tenant_index::tables()
            .contains(&self.table())
            .then(|| tenant_index::index_name(self.table(), organization_id))
    }

    /// The `WHERE` condition selecting the scope. `$2` is the organization (not referenced for
    /// [`Scope::All`]), `$4` the narrowing id.
    fn scope_condition(&self, scope: Scope) -> String {
        let column = match self {
            Self::Chunks { .. } => "dataset_id",
            Self::Messages { .. } => "conversation_id",
            Self::BrandVoices { .. } => "brand_id",
        };
        let mut parts = Vec::new();
        if scope != Scope::All {
            // Every searchable table carries its tenant (brand voices since 2026-12-03).
            parts.push("t.organization_id = $2".into());
        }
        if self.within().is_some() {
            parts.push(format!("t.{column} = $4"));
        }
        if parts.is_empty() {
            "TRUE".into()
        } else {
            parts.join(" AND ")
        }
    }
}

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
    /// `EXPLAIN (COSTS OFF)` of the search statement, one plan line per line.
    pub plan: String,
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
    let prefix = "EXPLAIN (COSTS OFF) ";
    let (configured, rows) = run(db, scope.into(), target, query, options, prefix).await?;
    let plan = rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<Vec<_>, DbErr>>()?
        .join("\n");
    Ok(Explained {
        strategy: configured.strategy,
        hnsw_index: configured.hnsw_index,
        scope_rows: configured.scope_rows,
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
    })
}

/// Whether `Auto` counts the scope: inside an organization only (the whole table is never
/// searched exactly).
fn counts(scope: Scope, options: &SearchOptions) -> bool {
    options.strategy == SearchStrategy::Auto && scope != Scope::All
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

/// The settings of the two strategies: (name, value for `Exact`, value for `Hnsw`).
fn settings(options: &SearchOptions) -> [(&'static str, String, String); 5] {
    let same = |v: String| (v.clone(), v);
    let (cache_exact, cache_hnsw) = same("force_custom_plan".into());
    let (ef_exact, ef_hnsw) = same(options.ef_search.to_string());
    let (iter_exact, iter_hnsw) = same("relaxed_order".into());
    [
        // Plan for the actual tenant and settings every time: a cached generic plan would not
        // (and could not prove a tenant index's predicate from a parameter).
        ("plan_cache_mode", cache_exact, cache_hnsw),
        // Exact: no index scan, so no HNSW (bitmap scans of the tenant's B-tree still run).
        // HNSW: index scans on, whatever the session says.
        ("enable_indexscan", "off".into(), "on".into()),
        // HNSW: no sort, so that the ordered index scan wins over an exact scan and sort.
        ("enable_sort", "on".into(), "off".into()),
        // Read by HNSW scans only: harmless for `Exact`.
        ("hnsw.ef_search", ef_exact, ef_hnsw),
        ("hnsw.iterative_scan", iter_exact, iter_hnsw),
    ]
}

/// The one statement [`configure`] runs: through `set_config(..., true)` (the function form
/// of `SET LOCAL`) it applies the settings of the strategy, and it reads whether the tenant
/// index named by a parameter exists and is valid (column `tenant_index`; `false` for a NULL
/// name).
///
/// For `Auto` inside an organization it also counts the rows in scope, bounded (column `n`),
/// and each setting that differs between the strategies takes the value of the one the count
/// selects; when the tenant index is valid and the search is not narrowed, the count is
/// skipped (`n` NULL) and the strategy is `Hnsw` through the tenant index. Parameters: `$1` organization id, `$2` the cap (`exact_max_rows + 1`), `$3` the
/// tenant index name (text or NULL), `$4` the narrowing id when the target has one. Otherwise
/// (`Exact`, `Hnsw`, or `Auto` over [`Scope::All`], which is `Hnsw`), `n` is NULL and the
/// only parameter is `$1`, the tenant index name. (This statement runs before the settings it
/// applies, so its own plan may be a cached generic one: a bounded count over the tenant's
/// B-tree index either way.)
pub fn configure_sql(scope: Scope, target: Target, options: &SearchOptions) -> String {
    let table = target.table();
    let probe = |param: &str| {
        format!(
            "coalesce((SELECT i.indisvalid FROM pg_catalog.pg_index i \
             WHERE i.indexrelid = pg_catalog.to_regclass({param}::text)), false) AS tenant_index"
        )
    };
    if counts(scope, options) {
        // Same condition as the search, renumbered: organization $1 (narrowing id stays $4).
        let condition = target.scope_condition(scope).replace("$2", "$1");
        let sets = set_configs(options, |exact, hnsw| {
            if exact == hnsw {
                format!("'{exact}'")
            } else {
                format!("CASE WHEN c.n < $2 THEN '{exact}' ELSE '{hnsw}' END")
            }
        });
        // With a valid tenant index and no narrowing, HNSW through it is right whatever the
        // tenant's size (as good as exact, and as fast): the count is skipped (CASE evaluates
        // the subquery only when needed).
        let skip_count = if target.within().is_none() {
            "p.tenant_index"
        } else {
            "false"
        };
        format!(
            "/* neonhub:search auto {table} */ SELECT c.n, c.tenant_index, {sets} FROM \
             (SELECT p.tenant_index, CASE WHEN {skip_count} THEN NULL ELSE \
             (SELECT count(*) FROM (SELECT 1 FROM {table} t WHERE {condition} LIMIT $2) s) \
             END AS n FROM (SELECT {probe}) p) c",
            probe = probe("$3"),
        )
    } else {
        let strategy = match options.strategy {
            SearchStrategy::Exact => SearchStrategy::Exact,
            SearchStrategy::Auto | SearchStrategy::Hnsw => SearchStrategy::Hnsw,
        };
        let sets = set_configs(options, |exact, hnsw| {
            format!(
                "'{}'",
                if strategy == SearchStrategy::Hnsw {
                    hnsw
                } else {
                    exact
                }
            )
        });
        format!(
            "/* neonhub:search {strategy} {table} */ SELECT NULL::bigint AS n, {probe}, {sets}",
            probe = probe("$1"),
        )
    }
}

/// `set_config('name', <value>, true), ...` for every setting, the value expression made by
/// `value(exact, hnsw)`.
fn set_configs(options: &SearchOptions, value: impl Fn(&str, &str) -> String) -> String {
    settings(options)
        .iter()
        .map(|(name, exact, hnsw)| format!("set_config('{name}', {}, true)", value(exact, hnsw)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `SET LOCAL` statements of `Exact` or `Hnsw` (for `Auto`, those of `Exact`), as one
/// string (one round trip).
pub fn settings_sql(strategy: SearchStrategy, options: &SearchOptions) -> String {
    settings(options)
        .iter()
        .map(|(name, exact, hnsw)| {
            let value = if strategy == SearchStrategy::Hnsw {
                hnsw
            } else {
                exact
            };
            format!("SET LOCAL {name} = {value}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The search statement of `target` inside `scope` as `configured` (`Exact`, or `Hnsw`
/// through the table's or the tenant's index). Parameters: `$1` the query vector, `$2` the
/// organization id (NULL and unreferenced for [`Scope::All`]), `$3` k, `$4` the narrowing id
/// when the target has one. Columns: the entity's columns, then `distance`; nearest first.
///
/// The HNSW forms take the first `k` rows of an ordered index scan in a materialised CTE and
/// sort them again: with `relaxed_order`, the index may return them slightly out of order.
/// The tenant form orders by [`tenant_index::ORDER_EXPRESSION`], the expression of the tenant
/// indexes, which the table's index cannot serve: the planner walks the tenant's index (or,
/// should it have been dropped since [`configure`] saw it, scans exactly), whatever its cost
/// model would prefer. `distance` is always `embedding <=> $1`.
pub fn search_sql(scope: Scope, target: Target, configured: &Configured) -> String {
    let table = target.table();
    let columns = target.columns();
    let condition = target.scope_condition(scope);
    let hnsw = |name: &str, order: &str| {
        format!(
            "/* neonhub:search {name} {table} */ WITH nearest AS MATERIALIZED (\
             SELECT {columns}, t.embedding <=> $1 AS distance \
             FROM {table} t WHERE {condition} \
             ORDER BY {order} <=> $1 LIMIT $3) \
             SELECT * FROM nearest ORDER BY distance LIMIT $3"
        )
    };
    match (configured.strategy, configured.hnsw_index) {
        (SearchStrategy::Hnsw, Some(HnswIndex::Tenant)) => hnsw(
            "hnsw-tenant",
            &tenant_index::ORDER_EXPRESSION.replace("embedding", "t.embedding"),
        ),
        (SearchStrategy::Hnsw, _) => hnsw("hnsw", "t.embedding"),
        (SearchStrategy::Exact | SearchStrategy::Auto, _) => format!(
            "/* neonhub:search exact {table} */ SELECT {columns}, t.embedding <=> $1 AS distance \
             FROM {table} t WHERE {condition} AND t.embedding IS NOT NULL \
             ORDER BY t.embedding <=> $1 LIMIT $3"
        ),
    }
}

/// The parameters of [`search_sql`], in order.
pub fn search_values(
    scope: Scope,
    target: Target,
    query: &PgVector,
    options: &SearchOptions,
) -> Vec<Value> {
    let mut values: Vec<Value> = vec![
        query.clone().into(),
        scope.organization().into(),
        i64::from(options.k).into(),
    ];
    if let Some(within) = target.within() {
        values.push(within.into());
    }
    values
}

fn statement(
    sql: String,
    scope: Scope,
    target: Target,
    query: &PgVector,
    options: &SearchOptions,
) -> Statement {
    Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        search_values(scope, target, query, options),
    )
}

fn distance_of(row: &QueryResult) -> Result<f64, DbErr> {
    row.try_get::<f64>("", "distance")
}

/// Check the query vector: the embedding dimension, finite values, not zero.
pub fn validate_query(query: &PgVector) -> Result<(), SearchError> {
    check(query)?;
    let values = query.as_slice();
    if values.iter().any(|x| !x.is_finite()) {
        return Err(SearchError::InvalidQuery(
            "holds NaN or infinite values".into(),
        ));
    }
    if values.iter().all(|&x| x == 0.0) {
        return Err(SearchError::InvalidQuery(
            "is the zero vector, which has no cosine distance".into(),
        ));
    }
    Ok(())
}

/// `t."col", ...` for every column of `E`, enum columns cast to text (SeaORM reads enums as
/// text).
fn select_list<E: EntityTrait>() -> String {
    E::Column::iter()
        .map(|column| {
            let name = column.as_str();
            if column.enum_type_name().is_some() {
                format!("t.\"{name}\"::text AS \"{name}\"")
            } else {
                format!("t.\"{name}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::EMBEDDING_DIM;

    #[test]
    fn rejects_bad_queries_and_options() {
        let short = PgVector::from(vec![1.0; 3]);
        assert!(matches!(
            validate_query(&short),
            Err(SearchError::Dimension(DimensionError {
                expected: EMBEDDING_DIM,
                actual: 3
            }))
        ));
        let zero = PgVector::from(vec![0.0; EMBEDDING_DIM]);
        assert!(matches!(
            validate_query(&zero),
            Err(SearchError::InvalidQuery(_))
        ));
        let mut nan = vec![0.5; EMBEDDING_DIM];
        nan[7] = f32::NAN;
        assert!(validate_query(&PgVector::from(nan)).is_err());
        assert!(validate_query(&PgVector::from(vec![0.5; EMBEDDING_DIM])).is_ok());
        assert!(SearchOptions::default().k(0).validate().is_err());
        assert!(SearchOptions::default().ef_search(1001).validate().is_err());
        assert!(SearchOptions::default().validate().is_ok());
    }

    #[test]
    fn sql_casts_enums_and_narrows_scope() {
        let org = Scope::Organization(Uuid::nil());
        let exact = Configured {
            strategy: SearchStrategy::Exact,
            hnsw_index: None,
            scope_rows: None,
        };
        let table = Configured {
            strategy: SearchStrategy::Hnsw,
            hnsw_index: Some(HnswIndex::Table),
            ..exact
        };
        let tenant = Configured {
            hnsw_index: Some(HnswIndex::Tenant),
            ..table
        };
        let sql = search_sql(
            org,
            Target::Messages {
                conversation_id: Some(Uuid::nil()),
            },
            &exact,
        );
        assert!(sql.contains("t.\"role\"::text AS \"role\""), "{sql}");
        assert!(sql.contains("t.conversation_id = $4"), "{sql}");
        let chunks = Target::Chunks { dataset_id: None };
        let hnsw = search_sql(org, chunks, &table);
        assert!(hnsw.contains("AS MATERIALIZED"), "{hnsw}");
        assert!(
            hnsw.contains("ORDER BY t.embedding <=> $1 LIMIT $3"),
            "{hnsw}"
        );
        assert!(!hnsw.contains("$4"), "{hnsw}");
        let own = search_sql(org, chunks, &tenant);
        assert!(
            own.contains("ORDER BY (l2_normalize(t.embedding)::vector(1536)) <=> $1 LIMIT $3"),
            "{own}"
        );
        assert!(own.contains("t.embedding <=> $1 AS distance"), "{own}");
        let all = search_sql(Scope::All, chunks, &table);
        assert!(all.contains("WHERE TRUE") && !all.contains("$2"), "{all}");
        let options = SearchOptions::default().ef_search(77);
        let target = Target::BrandVoices {
            brand_id: Some(Uuid::nil()),
        };
        let auto = configure_sql(org, target, &options);
        assert!(auto.contains("organization_id = $1") && auto.contains("brand_id = $4"));
        assert!(auto.contains("to_regclass($3::text)"), "{auto}");
        assert!(
            auto.contains(
                "set_config('enable_sort', CASE WHEN c.n < $2 THEN 'on' ELSE 'off' END, true)"
            ),
            "{auto}"
        );
        assert!(
            auto.contains("set_config('hnsw.ef_search', '77', true)"),
            "{auto}"
        );
        let fixed = configure_sql(org, chunks, &options.strategy(SearchStrategy::Hnsw));
        assert!(fixed.contains("to_regclass($1::text)"), "{fixed}");
        assert!(
            fixed.contains("set_config('enable_sort', 'off', true)"),
            "{fixed}"
        );
        assert_eq!(
            configure_sql(Scope::All, chunks, &options),
            fixed,
            "Auto over the whole table is HNSW"
        );
        let hnsw = settings_sql(SearchStrategy::Hnsw, &options);
        assert!(hnsw.contains("SET LOCAL hnsw.ef_search = 77"), "{hnsw}");
        assert!(hnsw.contains("SET LOCAL enable_sort = off"), "{hnsw}");
        assert!(hnsw.contains("relaxed_order"), "{hnsw}");
        let exact = settings_sql(SearchStrategy::Exact, &options);
        assert!(
            exact.contains("SET LOCAL enable_indexscan = off"),
            "{exact}"
        );
        let defaults = SearchOptions::default();
        let max = u64::from(DEFAULT_EXACT_MAX_ROWS);
        assert_eq!(strategy_for(max, &defaults), SearchStrategy::Exact);
        assert_eq!(strategy_for(max + 1, &defaults), SearchStrategy::Hnsw);
        assert_eq!(
            chunks.tenant_index_name(Uuid::nil()).as_deref(),
            Some("chunks_org_hnsw_00000000000000000000000000000000")
        );
        assert_eq!(
            target.tenant_index_name(Uuid::nil()).as_deref(),
            Some("brand_voices_org_hnsw_00000000000000000000000000000000")
        );
    }
}
