//! Inside each tenant: the entity helper vs exact, before and after the tenant-index
//! maintenance (figure 2b is the maintenance itself).

use super::*;

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
    /// The helper forced to HNSW before the maintenance (the table's index, iterative scan);
    /// `None` when not measured ([`crate::BenchConfig::table_graph_all_tenants`] off, not a
    /// fixed-share tenant).
    pub hnsw_before: Option<SearchSeries>,
    /// The helper as configured (`Auto`) before the maintenance (`None`: not measured).
    pub auto_before: Option<SearchSeries>,
    /// The helper forced to HNSW after the maintenance (the tenant's index where it has one;
    /// `None` when not measured: no index, not a fixed-share tenant and
    /// [`crate::BenchConfig::table_graph_all_tenants`] off).
    pub hnsw_after: Option<SearchSeries>,
    /// The helper as configured (`Auto`) after the maintenance.
    pub auto_after: SearchSeries,
    /// Whether EXPLAIN of the helper's statements (`Auto` and forced HNSW, before the
    /// maintenance when measured and after it) shows the plan of the strategy and index the
    /// helper reports.
    pub plans_as_intended: bool,
}

impl TenantRow {
    /// The goal of a fixed-share tenant, for `Auto` after the maintenance: `k` rows every
    /// time, recall@k ≥ 0.95, p50 ≤ 10 ms.
    pub fn goal_met(&self, k: usize) -> bool {
        let auto = &self.auto_after;
        auto.every_k(k) && auto.recall >= GOAL_RECALL && auto.latency.p50_ms <= GOAL_P50_MS
    }

    /// The goal every tenant must meet (figure 4z): [`TenantRow::goal_met`] and p95 ≤ 25 ms.
    pub fn every_goal_met(&self, k: usize) -> bool {
        self.goal_met(k) && self.auto_after.latency.p95_ms <= GOAL_P95_MS
    }
}

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
    let warm = &queries[..EXACT_WARMUP.min(queries.len())];
    let org = Some(org);
    raw_series(&mut conn, EXACT_SETTINGS, TENANT_EXACT_SQL, org, warm, k).await?;
    raw_series(&mut conn, EXACT_SETTINGS, TENANT_EXACT_SQL, org, queries, k).await
}

/// `tenants` (sorted by size) with those below [`SMALL_TENANT_ROWS`] rows that hold no fixed
/// share thinned to an even sample of `small` by size (all of them when `small` is `None`).
fn sample_small(tenants: Vec<&Tenant>, fixed: usize, small: Option<usize>) -> Vec<&Tenant> {
    let is_small = |t: &Tenant| t.chunks < SMALL_TENANT_ROWS && t.index >= fixed;
    let total = tenants.iter().filter(|t| is_small(t)).count();
    let keep = small.unwrap_or(total).min(total);
    let mut seen = 0;
    tenants
        .into_iter()
        .filter(|t| {
            if !is_small(t) {
                return true;
            }
            // The i-th small tenant is kept when it crosses the next of `keep` even steps.
            let i = seen;
            seen += 1;
            keep > 0 && (i * keep) / total != ((i + 1) * keep) / total
        })
        .collect()
}

/// A tenant's measurements before the maintenance.
struct Before<'a> {
    tenant: &'a Tenant,
    exact_ids: Vec<Vec<Uuid>>,
    exact: SearchSeries,
    hnsw: Option<SearchSeries>,
    auto: Option<SearchSeries>,
    plans_as_intended: bool,
}

fn log_series(log: &dyn Fn(&str), slug: &str, what: &str, series: &SearchSeries) {
    log(&format!("tenant {slug}, {what}: {}", series.describe()));
}

/// The tenant table, figure 2b and the goal figures. For every tenant (smallest first): exact
/// search (raw SQL, the baseline and the reference of the recalls), the helper forced to HNSW
/// and the helper as configured (for the fixed-share tenants only unless
/// `config.table_graph_all_tenants`); then the tenant-index maintenance ([`run_maintenance`] on
/// the database at `url`, which must be `db`'s); then the helper forced to HNSW (where it walks
/// a tenant index, or under the same condition as before) and as configured again. The fixed-share tenants get all `queries`, the others `config.tenant_queries`.
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
    let tenants = sample_small(tenants, shares.len(), config.small_tenants);

    let mut before = Vec::with_capacity(tenants.len());
    for &tenant in &tenants {
        let fixed = tenant.index < shares.len();
        let n = if fixed {
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
        let table_graph = fixed || config.table_graph_all_tenants;
        let (hnsw_before, auto_before, plans_as_intended) = if table_graph {
            let hnsw_before = helper_series(db, tenant.id, queries, &hnsw, &exact.ids).await?;
            log_series(log, &tenant.slug, "helper HNSW, before", &hnsw_before);
            let auto_before = helper_series(db, tenant.id, queries, &options, &exact.ids).await?;
            log_series(log, &tenant.slug, "helper Auto, before", &auto_before);
            let plans = tenant_plans_as_intended(db, tenant.id, &queries[0], &options).await?;
            (Some(hnsw_before), Some(auto_before), plans)
        } else {
            (None, None, true)
        };
        before.push(Before {
            tenant,
            plans_as_intended,
            exact_ids: exact.ids,
            exact: exact_summary,
            hnsw: hnsw_before,
            auto: auto_before,
        });
    }

    let maintenance = run_maintenance(url, plan, config, log).await?;
    crate::data::settle_after_builds(db, "the tenant-index maintenance", log).await;

    let mut rows = Vec::with_capacity(before.len());
    for b in before {
        let (tenant, exact_ids) = (b.tenant, &b.exact_ids);
        let queries = &queries[..exact_ids.len()];
        let indexed = maintenance
            .indexes
            .iter()
            .any(|i| i.table == "chunks" && i.slug == tenant.slug);
        let fixed = tenant.index < shares.len();
        let hnsw_after = if indexed || fixed || config.table_graph_all_tenants {
            let series = helper_series(db, tenant.id, queries, &hnsw, exact_ids).await?;
            log_series(log, &tenant.slug, "helper HNSW, after", &series);
            Some(series)
        } else {
            None
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_tenants_are_sampled_evenly_and_the_others_all_kept() {
        let config = BenchConfig {
            orgs: 300,
            chunks: 200_000,
            shares: vec![0.0001, 0.1],
            ..BenchConfig::default()
        };
        let plan = config.plan().unwrap();
        let mut all: Vec<&Tenant> = plan.tenants().iter().collect();
        all.sort_by_key(|t| (t.chunks, t.index));
        let small = |t: &&&Tenant| t.chunks < SMALL_TENANT_ROWS && t.index >= 2;
        let small_count = all.iter().filter(small).count();
        assert!(small_count > 100, "{small_count}");
        let kept = sample_small(all.clone(), 2, Some(20));
        assert_eq!(kept.iter().filter(small).count(), 20);
        assert_eq!(kept.len(), all.len() - small_count + 20);
        assert!(
            kept.iter().any(|t| t.index == 0),
            "a fixed share is kept however small"
        );
        // Spread over the sizes: the sample reaches both ends of the small ones.
        let sizes: Vec<usize> = kept.iter().filter(small).map(|t| t.chunks).collect();
        let all_sizes: Vec<usize> = all.iter().filter(small).map(|t| t.chunks).collect();
        assert!(sizes[0] <= all_sizes[small_count / 10]);
        assert!(sizes[19] >= all_sizes[small_count * 9 / 10]);
        assert_eq!(sample_small(all.clone(), 2, None).len(), all.len());
        assert_eq!(
            sample_small(all.clone(), 2, Some(0)).len(),
            all.len() - small_count
        );
    }
}
