//! Figures 2 to 3b: top-k over the whole table, HNSW (with an `ef_search` sweep) vs exact, raw.

use super::*;

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
    /// HNSW at the whole-table `ef_search` the helper chooses for this graph (it follows the
    /// graph's rows, up to the configured most).
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

/// Figure 3: every query over the whole `chunks` table, exact then HNSW at each `ef_search`.
pub async fn measure_global(
    db: &DatabaseConnection,
    queries: &[Vector],
    config: &BenchConfig,
    log: &dyn Fn(&str),
) -> Result<GlobalResult, BenchError> {
    // The whole-table ef_search the helper chooses for this graph (it follows its rows).
    let target = Target::Chunks { dataset_id: None };
    let options = config.search_options();
    let chosen = explain(db, Scope::All, target, &queries[0], &options).await?;
    let ef_search = chosen.ef_search.unwrap_or(config.whole_table_ef_search);
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
    let hnsw_plan = plan_text(&mut conn, &hnsw_begin(ef_search), &queries[0]).await?;
    let plans_as_intended =
        !exact_plan.contains("hnsw_idx") && hnsw_plan.contains("chunks_embedding_hnsw_idx");

    let warm = &queries[..WARMUP.min(queries.len())];
    let exact_warm = &queries[..EXACT_WARMUP.min(queries.len())];
    raw_series(
        &mut conn,
        EXACT_SETTINGS,
        GLOBAL_SQL,
        None,
        exact_warm,
        config.k,
    )
    .await?;
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
    if !efs.contains(&ef_search) {
        efs.push(ef_search);
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
        .find(|r| r.ef_search == ef_search)
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
