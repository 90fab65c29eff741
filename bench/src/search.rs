//! Figures 3 to 5: top-k search over the whole table (HNSW vs exact), inside each tenant
//! through the entity helper (vs exact), and the helper vs the same SQL sent raw.

use crate::stats::{Latency, mean_recall};
use crate::{BenchConfig, BenchError};
use entity::search::{
    SearchOptions, SearchStrategy, Target, explain, nearest_chunks, search_sql, settings_sql,
};
use pgvector::Vector;
use sea_orm::DatabaseConnection;
use sea_orm::sqlx::{self, AssertSqlSafe, Row, postgres::PgConnection};
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
    })
}

/// One series of helper calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HelperSeries {
    /// Latency of the whole call (transaction, settings, probe, statement).
    pub latency: Latency,
    /// Mean recall@k against exact search.
    pub recall: f64,
    /// Fewest rows a query returned.
    pub min_rows: usize,
    /// Most rows a query returned.
    pub max_rows: usize,
    /// Strategies that answered, with how many queries each.
    pub strategies: Vec<(SearchStrategy, usize)>,
}

/// One tenant: exact vs HNSW vs what `Auto` does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantRow {
    /// Tenant index (0 is the 1% tenant).
    pub index: usize,
    /// Organization slug.
    pub slug: String,
    /// Its chunks.
    pub rows: usize,
    /// Its share of all chunks.
    pub share: f64,
    /// Queries run.
    pub queries: usize,
    /// Exact search (raw SQL, index scans off): latency of the statement.
    pub exact: Latency,
    /// The helper forced to HNSW.
    pub hnsw: HelperSeries,
    /// The helper as configured (`Auto`).
    pub auto: HelperSeries,
}

async fn helper_series(
    db: &DatabaseConnection,
    org: Uuid,
    queries: &[Vector],
    options: &SearchOptions,
    exact: &[Vec<Uuid>],
) -> Result<HelperSeries, BenchError> {
    for query in &queries[..WARMUP.min(queries.len())] {
        nearest_chunks(db, org, None, query, options).await?;
    }
    let mut ids = Vec::with_capacity(queries.len());
    let mut seconds = Vec::with_capacity(queries.len());
    let mut strategies: Vec<(SearchStrategy, usize)> = Vec::new();
    for query in queries {
        let started = Instant::now();
        let found = nearest_chunks(db, org, None, query, options).await?;
        seconds.push(started.elapsed().as_secs_f64());
        match strategies.iter_mut().find(|(s, _)| *s == found.strategy) {
            Some((_, n)) => *n += 1,
            None => strategies.push((found.strategy, 1)),
        }
        ids.push(
            found
                .neighbors
                .iter()
                .map(|n| n.model.id)
                .collect::<Vec<_>>(),
        );
    }
    Ok(HelperSeries {
        latency: Latency::of(&seconds),
        recall: mean_recall(&ids, exact),
        min_rows: ids.iter().map(Vec::len).min().unwrap_or(0),
        max_rows: ids.iter().map(Vec::len).max().unwrap_or(0),
        strategies,
    })
}

/// The tenant table and figure 4: for every tenant, exact search (raw), the helper forced to
/// HNSW, and the helper as configured. The 1% tenant and the largest get all `queries`, the
/// others `config.tenant_queries`.
pub async fn measure_tenants(
    db: &DatabaseConnection,
    plan: &SynthPlan,
    queries: &[Vector],
    config: &BenchConfig,
    log: &dyn Fn(&str),
) -> Result<Vec<TenantRow>, BenchError> {
    let total = plan.options().chunks;
    let small = plan.small_tenant().map(|t| t.index);
    let largest = plan.largest_tenant().index;
    let options = config.search_options();
    let mut rows = Vec::new();
    let mut tenants: Vec<&Tenant> = plan.tenants().iter().collect();
    tenants.sort_by_key(|t| t.chunks);
    for tenant in tenants {
        let n = if Some(tenant.index) == small || tenant.index == largest {
            queries.len()
        } else {
            config.tenant_queries.min(queries.len())
        };
        let queries = &queries[..n];
        let mut conn = db.get_postgres_connection_pool().acquire().await?;
        let warm = &queries[..WARMUP.min(n)];
        let org = Some(tenant.id);
        raw_series(
            &mut conn,
            EXACT_SETTINGS,
            TENANT_EXACT_SQL,
            org,
            warm,
            config.k,
        )
        .await?;
        let exact = raw_series(
            &mut conn,
            EXACT_SETTINGS,
            TENANT_EXACT_SQL,
            org,
            queries,
            config.k,
        )
        .await?;
        drop(conn);
        let hnsw = helper_series(
            db,
            tenant.id,
            queries,
            &options.strategy(SearchStrategy::Hnsw),
            &exact.ids,
        )
        .await?;
        let auto = helper_series(db, tenant.id, queries, &options, &exact.ids).await?;
        let row = TenantRow {
            index: tenant.index,
            slug: tenant.slug.clone(),
            rows: tenant.chunks,
            share: tenant.chunk_share(total),
            queries: n,
            exact: Latency::of(&exact.seconds),
            hnsw,
            auto,
        };
        log(&format!(
            "tenant {} ({} rows): exact p50 {:.2} ms; hnsw p50 {:.2} ms recall {:.3} min rows {}; \
             auto {:?} p50 {:.2} ms recall {:.3}",
            row.slug,
            row.rows,
            row.exact.p50_ms,
            row.hnsw.latency.p50_ms,
            row.hnsw.recall,
            row.hnsw.min_rows,
            row.auto.strategies,
            row.auto.latency.p50_ms,
            row.auto.recall
        ));
        rows.push(row);
    }
    Ok(rows)
}

/// Figure 5 for one tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverheadRow {
    /// Organization slug.
    pub slug: String,
    /// Its chunks.
    pub rows: usize,
    /// The strategy `Auto` chose (and the raw SQL replays).
    pub strategy: SearchStrategy,
    /// The helper as configured (`Auto`: with its bounded count).
    pub helper: Latency,
    /// The helper with the strategy given (no count).
    pub helper_fixed: Latency,
    /// The same statements sent raw through sqlx: BEGIN, the SET LOCALs, the search statement
    /// (rows decoded to id and distance), ROLLBACK.
    pub raw: Latency,
    /// Whether EXPLAIN of the helper's statement shows the plan its strategy intends.
    pub plan_as_intended: bool,
}

async fn raw_helper_sql(
    db: &DatabaseConnection,
    org: Uuid,
    query: &Vector,
    strategy: SearchStrategy,
    options: &SearchOptions,
) -> Result<usize, BenchError> {
    let target = Target::Chunks { dataset_id: None };
    let mut conn = db.get_postgres_connection_pool().acquire().await?;
    sqlx::raw_sql("BEGIN").execute(&mut *conn).await?;
    sqlx::raw_sql(AssertSqlSafe(settings_sql(strategy, options)))
        .execute(&mut *conn)
        .await?;
    let rows = sqlx::query(AssertSqlSafe(search_sql(target, strategy)))
        .bind(query.clone())
        .bind(org)
        .bind(i64::from(options.k))
        .fetch_all(&mut *conn)
        .await?;
    let mut found = 0;
    for row in &rows {
        let _id: Uuid = row.try_get("id")?;
        let _distance: f64 = row.try_get("distance")?;
        found += 1;
    }
    sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await?;
    Ok(found)
}

/// Figure 5: for the 1% tenant and the largest, the helper (as configured, and with the
/// strategy fixed) vs the same SQL sent raw, interleaved query by query (rotating which goes
/// first).
pub async fn measure_overhead(
    db: &DatabaseConnection,
    plan: &SynthPlan,
    queries: &[Vector],
    config: &BenchConfig,
) -> Result<Vec<OverheadRow>, BenchError> {
    let options = config.search_options();
    let mut tenants = vec![plan.largest_tenant()];
    if let Some(small) = plan.small_tenant() {
        tenants.insert(0, small);
    }
    let mut rows = Vec::new();
    for tenant in tenants {
        let org = tenant.id;
        let target = Target::Chunks { dataset_id: None };
        let explained = explain(db, org, target, &queries[0], &options).await?;
        let strategy = explained.strategy;
        let uses_hnsw = explained.plan.contains("chunks_embedding_hnsw_idx");
        let plan_as_intended = (strategy == SearchStrategy::Hnsw) == uses_hnsw;
        let fixed = options.strategy(strategy);
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
                        raw_helper_sql(db, org, query, strategy, &options).await?;
                        (!warm).then(|| raw.push(started.elapsed().as_secs_f64()));
                    }
                }
            }
        }
        rows.push(OverheadRow {
            slug: tenant.slug.clone(),
            rows: tenant.chunks,
            strategy,
            helper: Latency::of(&helper),
            helper_fixed: Latency::of(&helper_fixed),
            raw: Latency::of(&raw),
            plan_as_intended,
        });
    }
    Ok(rows)
}
