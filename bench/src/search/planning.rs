//! Figure 11: planning time of the helper's search statement with every index the maintenance
//! made present (`EXPLAIN ANALYZE` of exactly what the helper sends, [`explain_analyze`]), for
//! the whole table and for the largest tenant answered by each path (its own index, the table's
//! index, exact). Partial indexes cost planning time even when a statement cannot use them
//! (the planner checks each one's predicate), so this is measured where the tenant indexes are.

use super::*;
use crate::data::count;
use crate::storage::CHUNKS_TENANT_INDEXES;
use entity::search::explain_analyze;

/// Statements explained per case (planning is fast and steady: a median of this many).
const PLANNING_QUERIES: usize = 20;
/// The planning time the search statement must stay under (ms).
pub const GOAL_PLANNING_MS: f64 = 1.0;

/// One case of figure 11.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanningRow {
    /// `whole table`, or the tenant's slug and rows.
    pub case: String,
    /// What answered (the helper's choice, as configured).
    pub answered: Answered,
    /// `Planning Time` of `EXPLAIN ANALYZE`.
    pub planning: Latency,
    /// `Execution Time` of `EXPLAIN ANALYZE` (without per-node timing).
    pub execution: Latency,
}

/// Figure 11 in detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanningResult {
    /// Indexes on `chunks` while measured (the table's own and the tenant indexes).
    pub chunks_indexes: i64,
    /// Of which tenant indexes.
    pub tenant_indexes: i64,
    /// Each case.
    pub rows: Vec<PlanningRow>,
}

impl PlanningResult {
    /// The largest median planning time of the cases, ms.
    pub fn worst_p50_ms(&self) -> f64 {
        self.rows
            .iter()
            .map(|r| r.planning.p50_ms)
            .fold(0.0, f64::max)
    }
}

/// Planning and execution seconds of the helper's search of the chunks in `scope`, and what
/// answered ([`explain_analyze`]: exactly what the helper sends, after its configuration).
async fn planning_of(
    db: &DatabaseConnection,
    scope: Scope,
    query: &Vector,
    options: &SearchOptions,
) -> Result<(f64, f64, Answered), BenchError> {
    let target = Target::Chunks { dataset_id: None };
    let explained = explain_analyze(db, scope, target, query, options).await?;
    let ms = |prefix: &str| {
        explained.plan.lines().find_map(|line| {
            line.trim()
                .strip_prefix(prefix)
                .and_then(|rest| rest.trim().strip_suffix("ms"))
                .and_then(|v| v.trim().parse::<f64>().ok())
        })
    };
    match (ms("Planning Time:"), ms("Execution Time:")) {
        (Some(planning), Some(execution)) => Ok((
            planning / 1e3,
            execution / 1e3,
            Answered::of(explained.strategy, explained.hnsw_index),
        )),
        _ => Err(BenchError::Check(
            "EXPLAIN ANALYZE printed no planning or execution time".into(),
        )),
    }
}

/// Figure 11 on the maintained database `db`: the whole table, then the largest tenant of
/// `tenants` that `Auto` answered through each path after the maintenance.
pub async fn measure_planning(
    db: &DatabaseConnection,
    tenants: &TenantsResult,
    queries: &[Vector],
    config: &BenchConfig,
) -> Result<PlanningResult, BenchError> {
    let options = config.search_options();
    let mut cases = vec![("whole table".to_owned(), Scope::All)];
    for answered in [Answered::TenantIndex, Answered::TableIndex, Answered::Exact] {
        let largest = tenants
            .tenants
            .iter()
            .filter(|t| t.auto_after.only(answered))
            .max_by_key(|t| t.rows);
        if let Some(t) = largest {
            cases.push((
                format!("{} ({} rows)", t.slug, t.rows),
                Scope::Organization(t.organization_id),
            ));
        }
    }
    let queries = &queries[..PLANNING_QUERIES.min(queries.len())];
    let mut rows = Vec::with_capacity(cases.len());
    for (case, scope) in cases {
        // The first statement of a case warms the relation cache; it is not counted.
        planning_of(db, scope, &queries[0], &options).await?;
        let (mut planning, mut execution) = (Vec::new(), Vec::new());
        let mut answered = Answered::Exact;
        for query in queries {
            let (p, e, a) = planning_of(db, scope, query, &options).await?;
            planning.push(p);
            execution.push(e);
            answered = a;
        }
        rows.push(PlanningRow {
            case,
            answered,
            planning: Latency::of(&planning),
            execution: Latency::of(&execution),
        });
    }
    Ok(PlanningResult {
        chunks_indexes: count(
            db,
            "SELECT count(*) AS n FROM pg_index WHERE indrelid = 'chunks'::regclass",
        )
        .await?,
        tenant_indexes: count(db, &format!("SELECT count(*) AS n {CHUNKS_TENANT_INDEXES}")).await?,
        rows,
    })
}
