//! Figures 2b to 5: top-k search over the whole table (HNSW vs exact, raw; the helper over
//! [`Scope::All`] vs the same SQL raw), inside each tenant through the entity helper (vs exact)
//! before and after the tenant-index maintenance (which is figure 2b), and the helper vs the
//! same SQL sent raw inside a tenant.

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

/// Whole-table top-k, the same statement for both plans (the settings decide).
const GLOBAL_SQL: &str =
    "/* bench global */ SELECT id FROM chunks ORDER BY embedding <=> $1 LIMIT $2";
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

/// One `ef_search` of the sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    /// `hnsw.ef_search`.
    pub ef_search: u32,
    /// Whether the planner takes the HNSW index on its own at this `ef_search` (EXPLAIN
    /// without `enable_sort = off`; the measured runs force the index, as the helper does).
    pub planner_picks_index: bool,
    /// Latency of the HNSW statement.
    pub latency: Latency,
    /// Mean recall@k against exact search.
    pub recall: f64,
}

/// Figure 3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlobalResult {
    /// Queries.
    pub queries: usize,
    /// Exact search (index scans off): latency.
    pub exact: Latency,
    /// HNSW at the configured `ef_search`.
    pub hnsw: SweepRow,
    /// Every `ef_search` of the sweep.
    pub sweep: Vec<SweepRow>,
    /// Whether the exact plan avoided the HNSW index and the HNSW plan used it (EXPLAIN).
    pub plans_as_intended: bool,
    /// The exact neighbours of each query (the reference of every whole-table recall; not
    /// serialised).
    #[serde(skip)]
    pub exact_ids: Vec<Vec<Uuid>>,
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

/// Figure 3: every query over the whole `chunks` table, exact then HNSW at each `ef_search`.
pub async fn measure_global(
    db: &DatabaseConnection,
    queries: &[Vector],
    config: &BenchConfig,
    log: &dyn Fn(&str),
) -> Result<GlobalResult, BenchError> {
    let mut conn = db.get_postgres_connection_pool().acquire().await?;
    // As the helper's HNSW strategy: sorting off, so that the index is taken.
    let hnsw_begin = |ef: u32| {
        format!(
            "BEGIN; SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL enable_sort = off; \
             SET LOCAL hnsw.ef_search = {ef}"
        )
    };
    let natural_begin = |ef: u32| {
        format!(
            "BEGIN; SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL hnsw.ef_search = {ef}"
        )
    };
    let exact_plan = plan_text(&mut conn, EXACT_SETTINGS, &queries[0]).await?;
    let hnsw_plan = plan_text(&mut conn, &hnsw_begin(config.ef_search), &queries[0]).await?;
    let plans_as_intended =
        !exact_plan.contains("hnsw_idx") && hnsw_plan.contains("chunks_embedding_hnsw_idx");

    let warm = &queries[..WARMUP.min(queries.len())];
    raw_series(&mut conn, EXACT_SETTINGS, GLOBAL_SQL, None, warm, config.k).await?;
    let exact = raw_series(
        &mut conn,
        EXACT_SETTINGS,
        GLOBAL_SQL,
        None,
        queries,
        config.k,
    )
    .await?;
    let exact_latency = Latency::of(&exact.seconds);
    log(&format!("exact, whole table: {}", exact_latency.describe()));

    let mut efs = config.ef_sweep.clone();
    if !efs.contains(&config.ef_search) {
        efs.push(config.ef_search);
    }
    efs.sort_unstable();
    let mut sweep = Vec::new();
    for ef in efs {
        let natural = plan_text(&mut conn, &natural_begin(ef), &queries[0]).await?;
        let begin = hnsw_begin(ef);
        raw_series(&mut conn, &begin, GLOBAL_SQL, None, warm, config.k).await?;
        let hnsw = raw_series(&mut conn, &begin, GLOBAL_SQL, None, queries, config.k).await?;
        let row = SweepRow {
            ef_search: ef,
            planner_picks_index: natural.contains("chunks_embedding_hnsw_idx"),
            latency: Latency::of(&hnsw.seconds),
            recall: mean_recall(&hnsw.ids, &exact.ids),
        };
        log(&format!(
            "hnsw ef_search {ef}: recall@{} {:.3}, {} (planner alone takes the index: {})",
            config.k,
            row.recall,
            row.latency.describe(),
            row.planner_picks_index
        ));
        sweep.push(row);
    }
    let hnsw = sweep
        .iter()
        .find(|r| r.ef_search == config.ef_search)
        .cloned()
        .expect("the configured ef_search is in the sweep");
    Ok(GlobalResult {
        queries: queries.len(),
        exact: exact_latency,
        hnsw,
        sweep,
        plans_as_intended,
        exact_ids: exact.ids,
    })
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

    /// `exact` when one thing answered every query, else `exact ×3, table index ×7`.
    pub fn describe_answered(&self) -> String {
        match self.answered.as_slice() {
            [(a, _)] => a.label().to_owned(),
            many => many
                .iter()
                .map(|(a, n)| format!("{} ×{n}", a.label()))
                .collect::<Vec<_>>()
                .join(", "),
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

/// One tenant of the tenant table: exact SQL, then the helper forced to HNSW and as
/// configured (`Auto`), before and after the tenant-index maintenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantRow {
    /// Tenant index (tenants 0, 1, ... hold the fixed shares).
    pub index: usize,
    /// Organization slug.
    pub slug: String,
    /// Organization id.
    pub organization_id: Uuid,
    /// Its chunks.
    pub rows: usize,
    /// Its share of all chunks.
    pub share: f64,
    /// The configured share, for the fixed-share tenants.
    pub fixed_share: Option<f64>,
    /// Queries run (all of them for the fixed-share tenants, `tenant_queries` for the others).
    pub queries: usize,
    /// Exact search, raw SQL with index scans off (the baseline; its ids are the reference of
    /// the recalls): latency of the statement.
    pub exact: SearchSeries,
    /// The helper forced to HNSW before the maintenance (the table's index, iterative scan).
    pub hnsw_before: SearchSeries,
    /// The helper as configured (`Auto`) before the maintenance.
    pub auto_before: SearchSeries,
    /// The helper forced to HNSW after the maintenance (the tenant's index where it has one).
    pub hnsw_after: SearchSeries,
    /// The helper as configured (`Auto`) after the maintenance.
    pub auto_after: SearchSeries,
    /// Whether EXPLAIN of the helper's statements (`Auto` and forced HNSW, before and after the
    /// maintenance) shows the plan of the strategy and index the helper reports.
    pub plans_as_intended: bool,
}

impl TenantRow {
    /// The goal of a fixed-share tenant, for `Auto` after the maintenance: `k` rows every
    /// time, recall@k ≥ 0.95, p50 ≤ 10 ms.
    pub fn goal_met(&self, k: usize) -> bool {
        let auto = &self.auto_after;
        auto.every_k(k) && auto.recall >= GOAL_RECALL && auto.latency.p50_ms <= GOAL_P50_MS
    }
}

/// Recall@k every tenant must reach through the helper (`Auto`, after the maintenance).
pub const GOAL_RECALL: f64 = 0.95;
/// p50 latency (ms) every tenant must reach through the helper (`Auto`, after the maintenance).
pub const GOAL_P50_MS: f64 = 10.0;
/// Recall@k the helper must reach over the whole table (figure 3c).
pub const UNFILTERED_RECALL: f64 = 0.98;
/// Largest helper p50 / raw p50 over the whole table (figure 3d).
pub const UNFILTERED_MAX_RATIO: f64 = 1.25;

/// One `maintain::run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceRun {
    /// Seconds of the whole run (planning twice, the builds, the advisory lock).
    pub seconds: f64,
    /// Actions the run planned.
    pub planned: usize,
    /// Indexes it created.
    pub created: usize,
    /// Indexes it rebuilt.
    pub rebuilt: usize,
    /// Indexes it dropped.
    pub dropped: usize,
    /// Seconds of the actions themselves.
    pub action_seconds: f64,
    /// Actions a new plan still found after the run (0 when it converged).
    pub pending_after: usize,
}

impl MaintenanceRun {
    fn of(report: &maintain::Report) -> Self {
        let count =
            |f: fn(&maintain::Action) -> bool| report.done.iter().filter(|d| f(&d.action)).count();
        Self {
            seconds: report.seconds,
            planned: report.plan.actions.len(),
            created: count(|a| matches!(a, maintain::Action::Create { .. })),
            rebuilt: count(|a| matches!(a, maintain::Action::Rebuild { .. })),
            dropped: count(|a| matches!(a, maintain::Action::Drop { .. })),
            action_seconds: report.done.iter().map(|d| d.seconds).sum(),
            pending_after: report.pending_after.len(),
        }
    }
}

/// One tenant index after the maintenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantIndexRow {
    /// Table (`chunks`, `messages`).
    pub table: String,
    /// Index name.
    pub index: String,
    /// Organization slug (the id when it is not one of the plan's).
    pub slug: String,
    /// The tenant's rows in the table.
    pub rows: u64,
    /// Index size, bytes.
    pub bytes: i64,
    /// Seconds its build took in the first run, if it built it.
    pub build_seconds: Option<f64>,
}

/// Figure 2b: `maintain::run` on the benchmark database, twice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceResult {
    /// The policy applied.
    pub policy: TenantIndexPolicy,
    /// The first run (builds the indexes).
    pub first: MaintenanceRun,
    /// The second run (must find nothing to do).
    pub second: MaintenanceRun,
    /// The tenant indexes afterwards.
    pub indexes: Vec<TenantIndexRow>,
    /// Their total size, bytes.
    pub index_bytes: i64,
}

impl MaintenanceResult {
    /// Whether the maintenance converged and is idempotent: nothing pending after the first
    /// run, nothing to do in the second.
    pub fn idempotent(&self) -> bool {
        self.first.pending_after == 0
            && self.second.planned == 0
            && self.second.created + self.second.rebuilt + self.second.dropped == 0
            && self.second.pending_after == 0
    }

    /// Seconds the builds of the `table` indexes took in the first run.
    pub fn build_seconds(&self, table: &str) -> f64 {
        self.indexes
            .iter()
            .filter(|i| i.table == table)
            .filter_map(|i| i.build_seconds)
            .sum()
    }
}

/// The tenant table with the maintenance run between its two halves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantsResult {
    /// Every tenant, smallest first.
    pub tenants: Vec<TenantRow>,
    /// The tenant-index maintenance.
    pub maintenance: MaintenanceResult,
}

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
    for query in queries {
        let started = Instant::now();
        let found = nearest_chunks(db, org, None, query, options).await?;
        seconds.push(started.elapsed().as_secs_f64());
        tally(
            &mut answered,
            Answered::of(found.strategy, found.hnsw_index),
        );
        ids.push(found.neighbors.iter().map(|n| n.model.id).collect());
    }
    Ok(SearchSeries::of(&seconds, &ids, exact, answered))
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

/// Whether the helper's plans inside `org` (as configured, and forced to HNSW) are as intended
/// ([`plan_matches`]).
async fn tenant_plans_as_intended(
    db: &DatabaseConnection,
    org: Uuid,
    query: &Vector,
    options: &SearchOptions,
) -> Result<bool, BenchError> {
    let target = Target::Chunks { dataset_id: None };
    let mut ok = true;
    for options in [*options, options.strategy(SearchStrategy::Hnsw)] {
        let explained = explain(db, org, target, query, &options).await?;
        ok &= plan_matches(&explained, "chunks", Scope::Organization(org));
    }
    Ok(ok)
}

/// Figure 2b: `maintain::run` with [`BenchConfig::maintain_options`] on the database at `url`,
/// timed, then a second time (which must find nothing to do).
pub async fn run_maintenance(
    url: &DatabaseUrl,
    plan: &SynthPlan,
    config: &BenchConfig,
    log: &dyn Fn(&str),
) -> Result<MaintenanceResult, BenchError> {
    let options = config.maintain_options();
    let on_done = |done: &maintain::Done| {
        log(&format!(
            "maintenance: {} in {:.1} s",
            done.action, done.seconds
        ));
    };
    let first = maintain::run(url, &options, on_done).await?;
    log(&format!(
        "maintenance: {} actions in {:.1} s",
        first.done.len(),
        first.seconds
    ));
    let second = maintain::run(url, &options, on_done).await?;
    log(&format!(
        "maintenance again: {} actions in {:.2} s",
        second.done.len(),
        second.seconds
    ));
    let slug = |org: Uuid| {
        plan.tenants()
            .iter()
            .find(|t| t.id == org)
            .map_or_else(|| org.to_string(), |t| t.slug.clone())
    };
    let indexes: Vec<TenantIndexRow> = second
        .plan
        .kept
        .iter()
        .map(|kept| TenantIndexRow {
            table: kept.table.clone(),
            index: kept.index.clone(),
            slug: slug(kept.organization_id),
            rows: kept.rows,
            bytes: kept.bytes,
            build_seconds: first
                .done
                .iter()
                .find(|d| d.action.index() == kept.index)
                .map(|d| d.seconds),
        })
        .collect();
    Ok(MaintenanceResult {
        policy: options.policy,
        first: MaintenanceRun::of(&first),
        second: MaintenanceRun::of(&second),
        index_bytes: indexes.iter().map(|i| i.bytes).sum(),
        indexes,
    })
}

/// Exact search inside `org` (raw SQL, index scans off), warm-up first.
async fn exact_series(
    db: &DatabaseConnection,
    org: Uuid,
    queries: &[Vector],
    k: u32,
) -> Result<Series, BenchError> {
    let mut conn = db.get_postgres_connection_pool().acquire().await?;
    let warm = &queries[..WARMUP.min(queries.len())];
    let org = Some(org);
    raw_series(&mut conn, EXACT_SETTINGS, TENANT_EXACT_SQL, org, warm, k).await?;
    raw_series(&mut conn, EXACT_SETTINGS, TENANT_EXACT_SQL, org, queries, k).await
}

/// A tenant's measurements before the maintenance.
struct Before<'a> {
    tenant: &'a Tenant,
    exact_ids: Vec<Vec<Uuid>>,
    exact: SearchSeries,
    hnsw: SearchSeries,
    auto: SearchSeries,
    plans_as_intended: bool,
}

fn log_series(log: &dyn Fn(&str), slug: &str, what: &str, series: &SearchSeries) {
    log(&format!("tenant {slug}, {what}: {}", series.describe()));
}

/// The tenant table, figure 2b and the goal figures. For every tenant (smallest first): exact
/// search (raw SQL, the baseline and the reference of the recalls), the helper forced to HNSW
/// and the helper as configured; then the tenant-index maintenance ([`run_maintenance`] on the
/// database at `url`, which must be `db`'s); then the helper forced to HNSW and as configured
/// again. The fixed-share tenants get all `queries`, the others `config.tenant_queries`.
pub async fn measure_tenants(
    db: &DatabaseConnection,
    url: &DatabaseUrl,
    plan: &SynthPlan,
    queries: &[Vector],
    config: &BenchConfig,
    log: &dyn Fn(&str),
) -> Result<TenantsResult, BenchError> {
    let total = plan.options().chunks;
    let shares = &plan.options().shares;
    let options = config.search_options();
    let hnsw = options.strategy(SearchStrategy::Hnsw);
    let mut tenants: Vec<&Tenant> = plan.tenants().iter().collect();
    tenants.sort_by_key(|t| (t.chunks, t.index));

    let mut before = Vec::with_capacity(tenants.len());
    for &tenant in &tenants {
        let n = if tenant.index < shares.len() {
            queries.len()
        } else {
            config.tenant_queries.min(queries.len())
        };
        let queries = &queries[..n];
        let exact = exact_series(db, tenant.id, queries, config.k).await?;
        let exact_summary = SearchSeries::of(
            &exact.seconds,
            &exact.ids,
            &exact.ids,
            vec![(Answered::Exact, n)],
        );
        log_series(log, &tenant.slug, "exact SQL", &exact_summary);
        let hnsw_before = helper_series(db, tenant.id, queries, &hnsw, &exact.ids).await?;
        log_series(log, &tenant.slug, "helper HNSW, before", &hnsw_before);
        let auto_before = helper_series(db, tenant.id, queries, &options, &exact.ids).await?;
        log_series(log, &tenant.slug, "helper Auto, before", &auto_before);
        before.push(Before {
            tenant,
            plans_as_intended: tenant_plans_as_intended(db, tenant.id, &queries[0], &options)
                .await?,
            exact_ids: exact.ids,
            exact: exact_summary,
            hnsw: hnsw_before,
            auto: auto_before,
        });
    }

    let maintenance = run_maintenance(url, plan, config, log).await?;

    let mut rows = Vec::with_capacity(before.len());
    for b in before {
        let (tenant, exact_ids) = (b.tenant, &b.exact_ids);
        let queries = &queries[..exact_ids.len()];
        let hnsw_after = helper_series(db, tenant.id, queries, &hnsw, exact_ids).await?;
        log_series(log, &tenant.slug, "helper HNSW, after", &hnsw_after);
        let auto_after = helper_series(db, tenant.id, queries, &options, exact_ids).await?;
        log_series(log, &tenant.slug, "helper Auto, after", &auto_after);
        let plans_after = tenant_plans_as_intended(db, tenant.id, &queries[0], &options).await?;
        rows.push(TenantRow {
            index: tenant.index,
            slug: tenant.slug.clone(),
            organization_id: tenant.id,
            rows: tenant.chunks,
            share: tenant.chunk_share(total),
            fixed_share: shares.get(tenant.index).copied(),
            queries: queries.len(),
            exact: b.exact,
            hnsw_before: b.hnsw,
            auto_before: b.auto,
            hnsw_after,
            auto_after,
            plans_as_intended: b.plans_as_intended && plans_after,
        });
    }
    Ok(TenantsResult {
        tenants: rows,
        maintenance,
    })
}

/// The id of a row, all the helper reads of it in figure 3c/3d (the raw side decodes the same
/// id and the distance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
struct IdOnly {
    id: Uuid,
}

/// Figures 3c and 3d: the helper over the whole table vs the same statements raw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnfilteredResult {
    /// Queries (the first few are warm-up: recall over all, latency over the others).
    pub queries: usize,
    /// `hnsw.ef_search` of both sides.
    pub ef_search: u32,
    /// The helper: [`search`] over [`Scope::All`], `Auto` (which is HNSW on the table's index
    /// there), rows read as id and distance.
    pub helper: SearchSeries,
    /// The same SQL raw through sqlx: BEGIN, the `Hnsw` settings ([`settings_sql`]), the search
    /// statement ([`search_sql`] over [`Scope::All`]; id and distance decoded), ROLLBACK.
    pub raw: SearchSeries,
    /// Whether EXPLAIN of the helper's statement walks `chunks_embedding_hnsw_idx`.
    pub plan_as_intended: bool,
}

impl UnfilteredResult {
    /// Helper p50 / raw p50.
    pub fn ratio(&self) -> f64 {
        self.helper.latency.p50_ms / self.raw.latency.p50_ms
    }
}

/// Figures 3c and 3d: the helper over [`Scope::All`] at the configured `ef_search` vs the same
/// statements sent raw, interleaved query by query (rotating which goes first) after a
/// warm-up; recall of both against `exact` (the whole-table exact ids of figure 3).
pub async fn measure_unfiltered(
    db: &DatabaseConnection,
    queries: &[Vector],
    exact: &[Vec<Uuid>],
    config: &BenchConfig,
) -> Result<UnfilteredResult, BenchError> {
    let options = config.search_options();
    let target = Target::Chunks { dataset_id: None };
    let explained = explain(db, Scope::All, target, &queries[0], &options).await?;
    let plan_as_intended = explained.strategy == SearchStrategy::Hnsw
        && explained.hnsw_index == Some(HnswIndex::Table)
        && plan_matches(&explained, "chunks", Scope::All);
    let warm = WARMUP.min(queries.len() / 2);
    let (mut helper_ids, mut helper_seconds, mut helper_answered) =
        (Vec::new(), Vec::new(), Vec::new());
    let (mut raw_ids, mut raw_seconds) = (Vec::new(), Vec::new());
    for (i, query) in queries.iter().enumerate() {
        for turn in 0..2 {
            let started = Instant::now();
            if (i + turn) % 2 == 0 {
                let found = search::<_, IdOnly>(db, Scope::All, target, query, &options).await?;
                let seconds = started.elapsed().as_secs_f64();
                (i >= warm).then(|| helper_seconds.push(seconds));
                tally(
                    &mut helper_answered,
                    Answered::of(found.strategy, found.hnsw_index),
                );
                helper_ids.push(found.neighbors.iter().map(|n| n.model.id).collect());
            } else {
                let ids =
                    raw_helper_sql(db, Scope::All, query, SearchStrategy::Hnsw, None, &options)
                        .await?;
                let seconds = started.elapsed().as_secs_f64();
                (i >= warm).then(|| raw_seconds.push(seconds));
                raw_ids.push(ids);
            }
        }
    }
    Ok(UnfilteredResult {
        queries: queries.len(),
        ef_search: options.ef_search,
        helper: SearchSeries::of(&helper_seconds, &helper_ids, exact, helper_answered),
        raw: SearchSeries::of(
            &raw_seconds,
            &raw_ids,
            exact,
            vec![(Answered::TableIndex, queries.len())],
        ),
        plan_as_intended,
    })
}

/// Figure 5 for one tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverheadRow {
    /// Organization slug.
    pub slug: String,
    /// Its chunks.
    pub rows: usize,
    /// Its share of all chunks.
    pub share: f64,
    /// The strategy `Auto` chose (and the raw SQL replays).
    pub strategy: SearchStrategy,
    /// For `Hnsw`: the index the helper reports (the plan must walk it).
    pub hnsw_index: Option<HnswIndex>,
    /// The helper as configured (`Auto`: with its bounded count).
    pub helper: Latency,
    /// The helper with the strategy given (no count).
    pub helper_fixed: Latency,
    /// The same statements sent raw through sqlx: BEGIN, the SET LOCALs, the search statement
    /// (rows decoded to id and distance), ROLLBACK.
    pub raw: Latency,
    /// Whether EXPLAIN of the helper's statement shows the plan its strategy and index intend
    /// ([`plan_matches`]).
    pub plan_as_intended: bool,
}

impl OverheadRow {
    /// What answered, as [`Answered`].
    pub fn answered(&self) -> Answered {
        Answered::of(self.strategy, self.hnsw_index)
    }
}

/// The helper's statements for `strategy` inside `scope`, sent raw through sqlx on a pooled
/// connection: BEGIN, [`settings_sql`], [`search_sql`] (binds: the query, the organization or
/// NULL, k), ROLLBACK. Returns the ids found (each row's id and distance are decoded).
async fn raw_helper_sql(
    db: &DatabaseConnection,
    scope: Scope,
    query: &Vector,
    strategy: SearchStrategy,
    hnsw_index: Option<HnswIndex>,
    options: &SearchOptions,
) -> Result<Vec<Uuid>, BenchError> {
    let target = Target::Chunks { dataset_id: None };
    let mut conn = db.get_postgres_connection_pool().acquire().await?;
    sqlx::raw_sql("BEGIN").execute(&mut *conn).await?;
    sqlx::raw_sql(AssertSqlSafe(settings_sql(strategy, options)))
        .execute(&mut *conn)
        .await?;
    let configured = Configured {
        strategy,
        hnsw_index,
        scope_rows: None,
    };
    let rows = sqlx::query(AssertSqlSafe(search_sql(scope, target, &configured)))
        .bind(query.clone())
        .bind(scope.organization())
        .bind(i64::from(options.k))
        .fetch_all(&mut *conn)
        .await?;
    let mut ids = Vec::with_capacity(rows.len());
    for row in &rows {
        let _distance: f64 = row.try_get("distance")?;
        ids.push(row.try_get::<Uuid, _>("id")?);
    }
    sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await?;
    Ok(ids)
}

/// The tenants of figure 5: the one whose share is nearest 1% (searched exactly by default)
/// and the largest (through its tenant index after the maintenance), once each.
pub fn overhead_tenants(plan: &SynthPlan) -> Vec<&Tenant> {
    let total = plan.options().chunks;
    let largest = plan.largest_tenant();
    let distance = |t: &Tenant| (t.chunk_share(total) - 0.01).abs();
    let one_percent = plan
        .tenants()
        .iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .filter(|t| t.index != largest.index);
    one_percent.into_iter().chain([largest]).collect()
}

/// Figure 5 (run after the maintenance): for the tenants of [`overhead_tenants`], the helper
/// (as configured, and with the strategy fixed) vs the same SQL sent raw, interleaved query by
/// query (rotating which goes first).
pub async fn measure_overhead(
    db: &DatabaseConnection,
    plan: &SynthPlan,
    queries: &[Vector],
    config: &BenchConfig,
) -> Result<Vec<OverheadRow>, BenchError> {
    let options = config.search_options();
    let total = plan.options().chunks;
    let mut rows = Vec::new();
    for tenant in overhead_tenants(plan) {
        let org = tenant.id;
        let target = Target::Chunks { dataset_id: None };
        let explained = explain(db, org, target, &queries[0], &options).await?;
        let strategy = explained.strategy;
        let plan_as_intended = plan_matches(&explained, "chunks", Scope::Organization(org));
        let fixed = options.strategy(strategy);
        let scope = Scope::Organization(org);
        let (mut helper, mut helper_fixed, mut raw) = (Vec::new(), Vec::new(), Vec::new());
        for (i, query) in queries.iter().enumerate() {
            let warm = i < WARMUP;
            for turn in 0..3 {
                let started = Instant::now();
                match (i + turn) % 3 {
                    0 => {
                        nearest_chunks(db, org, None, query, &options).await?;
                        (!warm).then(|| helper.push(started.elapsed().as_secs_f64()));
                    }
                    1 => {
                        nearest_chunks(db, org, None, query, &fixed).await?;
                        (!warm).then(|| helper_fixed.push(started.elapsed().as_secs_f64()));
                    }
                    _ => {
                        let index = explained.hnsw_index;
                        raw_helper_sql(db, scope, query, strategy, index, &options).await?;
                        (!warm).then(|| raw.push(started.elapsed().as_secs_f64()));
                    }
                }
            }
        }
        rows.push(OverheadRow {
            slug: tenant.slug.clone(),
            rows: tenant.chunks,
            share: tenant.chunk_share(total),
            strategy,
            hnsw_index: explained.hnsw_index,
            helper: Latency::of(&helper),
            helper_fixed: Latency::of(&helper_fixed),
            raw: Latency::of(&raw),
            plan_as_intended,
        });
    }
    Ok(rows)
}
