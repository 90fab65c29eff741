//! Figures 3c to 5: the helper over the whole table and inside a tenant vs the same statements
//! sent raw.

use super::*;

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
    /// `hnsw.ef_search` of both sides: the one the helper chose for this table's graph
    /// ([`entity::search::SearchResults::ef_search`]).
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

/// Figures 3c and 3d: the helper over [`Scope::All`] at the `ef_search` it chooses vs the same
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
    let configured = explained.configured();
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
                let ids = raw_helper_sql(db, Scope::All, query, &configured, &options).await?;
                let seconds = started.elapsed().as_secs_f64();
                (i >= warm).then(|| raw_seconds.push(seconds));
                raw_ids.push(ids);
            }
        }
    }
    Ok(UnfilteredResult {
        queries: queries.len(),
        ef_search: configured
            .ef_search
            .unwrap_or(options.whole_table_ef_search),
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
    configured: &Configured,
    options: &SearchOptions,
) -> Result<Vec<Uuid>, BenchError> {
    let target = Target::Chunks { dataset_id: None };
    let mut conn = db.get_postgres_connection_pool().acquire().await?;
    sqlx::raw_sql("BEGIN").execute(&mut *conn).await?;
    sqlx::raw_sql(AssertSqlSafe(settings_sql(configured, options)))
        .execute(&mut *conn)
        .await?;
    let rows = sqlx::query(AssertSqlSafe(search_sql(scope, target, configured)))
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
        let configured = explained.configured();
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
                        raw_helper_sql(db, scope, query, &configured, &options).await?;
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
