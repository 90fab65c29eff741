//! What a search is asked: the strategy, `k`, `ef_search`, the exact-search threshold, and the
//! check of the query vector.

use super::{HnswIndex, Scope, SearchError};
use crate::vector::check;
use sea_orm::prelude::PgVector;
use serde::{Deserialize, Serialize};

/// Default number of neighbours returned.
pub const DEFAULT_K: u32 = 10;
/// Default `hnsw.ef_search` of a walk inside an organization (its own index, or the table's
/// filtered to it): the size of the candidate list an HNSW walk keeps. 160 keeps the recall@10
/// of a graph of up to a few hundred thousand rows at 0.98 or more, for a fraction of a
/// millisecond more than lower values (measurements: docs/VECTOR_SEARCH.md, "Why ef_search 160").
pub const DEFAULT_EF_SEARCH: u32 = 160;
/// Default `hnsw.ef_search` of a walk over the whole table ([`super::Scope::All`]) on the
/// largest graphs: the most the walk takes ([`SearchOptions::whole_table_ef_search`]), reached
/// from [`GRAPH_ROWS_PER_CANDIDATE`] × 1,000 rows in the graph. At 1M clustered chunks a
/// walk can end in the wrong cluster and find none of its 10 rows: on two graphs built with
/// m 32, every query of 30 found its cluster at 800 and 1,000 (recall 0.990), while at 600 one
/// query of one graph found none (0.957); the walk takes about 20 ms either way
/// (docs/VECTOR_SEARCH.md, "Why ef_search 1,000 over the whole table").
pub const DEFAULT_WHOLE_TABLE_EF_SEARCH: u32 = 1_000;
/// Rows of the table's graph per candidate of a walk through it: over [`super::Scope::All`]
/// the walk keeps one candidate per this many rows of the table's graph (the planner's
/// estimate of the index's rows, `pg_class.reltuples`), never fewer than
/// [`SearchOptions::ef_search`] and never more than [`SearchOptions::whole_table_ef_search`]
/// (through a tenant's own graph: [`TENANT_GRAPH_ROWS_PER_CANDIDATE`]). Measured at both
/// ends: at 100,000 rows (160, the floor) the whole table's recall@10 is 0.996–1.000, where
/// 1,000 took 23 ms a query; at 1M rows (1,000, the ceiling) it is 0.990
/// (docs/VECTOR_SEARCH.md, "ef_search follows the graph").
pub const GRAPH_ROWS_PER_CANDIDATE: u32 = 1_000;
/// Rows of a tenant's own graph per candidate of a walk through it: the tenant graphs have
/// half the links of the table's ([`super::tenant_index::HNSW_M`] 16 against 32), so a walk
/// through one keeps twice the candidates for the same rows ([`GRAPH_ROWS_PER_CANDIDATE`]
/// over the table's graph), within the same range. Measured on a tenant of 300,000 rows in
/// 64 crowded clusters, its graph held in `shared_buffers`: recall@10 0.927 at 300 (one per
/// 1,000 rows, p50 6.3 ms) and 0.987 at 600 (one per 500, p50 8.1–8.6 ms); tenants up to
/// 80,000 rows keep the floor, [`SearchOptions::ef_search`] (docs/VECTOR_SEARCH.md,
/// "ef_search follows the graph").
pub const TENANT_GRAPH_ROWS_PER_CANDIDATE: u32 = 500;

/// Rows of the graph of `index` per candidate of a walk through it:
/// [`GRAPH_ROWS_PER_CANDIDATE`] through the table's graph, [`TENANT_GRAPH_ROWS_PER_CANDIDATE`]
/// through a tenant's own.
pub fn rows_per_candidate(index: HnswIndex) -> u32 {
    match index {
        HnswIndex::Table => GRAPH_ROWS_PER_CANDIDATE,
        HnswIndex::Tenant => TENANT_GRAPH_ROWS_PER_CANDIDATE,
    }
}
/// Default scope size (rows) up to which [`SearchStrategy::Auto`] searches exactly, and above
/// which a tenant gets its own HNSW index ([`super::tenant_index::TenantIndexPolicy`]): up to
/// here an exact search stays under about 7 ms; at 1M chunks a tenant of 1,000–1,500 rows took
/// 6–12 ms exactly and one of 1,500–2,000 rows 4–5 ms through its own index (measurements:
/// docs/VECTOR_SEARCH.md, "Why 1,000").
pub const DEFAULT_EXACT_MAX_ROWS: u32 = 1_000;
/// Largest `hnsw.ef_search` pgvector accepts (and the largest `k` this module serves).
pub const MAX_EF_SEARCH: u32 = 1_000;

fn default_whole_table_ef_search() -> u32 {
    DEFAULT_WHOLE_TABLE_EF_SEARCH
}

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
    /// `hnsw.ef_search` for [`SearchStrategy::Hnsw`] inside an organization (1 to
    /// [`MAX_EF_SEARCH`]): the whole walk through the table's graph filtered to the
    /// organization, and the fewest through the tenant's own graph, whose walk follows its
    /// size up to `max(ef_search, whole_table_ef_search)`.
    pub ef_search: u32,
    /// The most `hnsw.ef_search` a search over [`super::Scope::All`] walks with (1 to
    /// [`MAX_EF_SEARCH`]): the walk keeps one candidate per [`GRAPH_ROWS_PER_CANDIDATE`]
    /// rows of the table's graph, at least [`Self::ef_search`] and at most this (this alone
    /// when it is not above `ef_search`; unknown size: this). A walk through a tenant's own
    /// graph follows that graph's size the same way (one candidate per
    /// [`TENANT_GRAPH_ROWS_PER_CANDIDATE`] rows) and never goes further than the whole
    /// table's (nor below `ef_search`). [`SearchResults::ef_search`] says what a search
    /// walked with.
    ///
    /// [`SearchResults::ef_search`]: super::SearchResults::ef_search
    #[serde(default = "default_whole_table_ef_search")]
    pub whole_table_ef_search: u32,
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
            whole_table_ef_search: DEFAULT_WHOLE_TABLE_EF_SEARCH,
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

    /// These options with another `hnsw.ef_search`, inside an organization and over the whole
    /// table alike (every walk then keeps it whatever the size of its graph).
    pub fn ef_search(mut self, ef_search: u32) -> Self {
        self.ef_search = ef_search;
        self.whole_table_ef_search = ef_search;
        self
    }

    /// These options with another most `hnsw.ef_search` for walks that follow their graph's
    /// size: over the whole table ([`Scope::All`]) one candidate per
    /// [`GRAPH_ROWS_PER_CANDIDATE`] rows of the graph, between [`Self::ef_search`] and this;
    /// through a tenant's own graph (one per [`TENANT_GRAPH_ROWS_PER_CANDIDATE`] rows),
    /// between `ef_search` and the larger of the two.
    pub fn whole_table_ef_search(mut self, ef_search: u32) -> Self {
        self.whole_table_ef_search = ef_search;
        self
    }

    /// The `hnsw.ef_search` range of a walk through `index` in `scope`: (fewest, most); the
    /// walk keeps one candidate per [`rows_per_candidate`] rows of the graph within it.
    /// Over the whole table, from `ef_search` to [`Self::whole_table_ef_search`] (both this
    /// last one when it is not above `ef_search`); through a tenant's own graph, from
    /// `ef_search` to the larger of the two (a tenant's graph is never larger than the
    /// table's); through the table's graph filtered to an organization, `ef_search` alone (the
    /// iterative scan goes on until `k` rows passed the filter).
    pub fn ef_search_range(&self, scope: Scope, index: HnswIndex) -> (u32, u32) {
        match (scope, index) {
            (Scope::All, _) => (
                self.ef_search.min(self.whole_table_ef_search),
                self.whole_table_ef_search,
            ),
            (Scope::Organization(_), HnswIndex::Tenant) => (
                self.ef_search,
                self.ef_search.max(self.whole_table_ef_search),
            ),
            (Scope::Organization(_), HnswIndex::Table) => (self.ef_search, self.ef_search),
        }
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

    pub(super) fn validate(&self) -> Result<(), SearchError> {
        if !(1..=MAX_EF_SEARCH).contains(&self.k) {
            return Err(SearchError::InvalidOptions(format!(
                "k is {}, expected 1 to {MAX_EF_SEARCH}",
                self.k
            )));
        }
        for (name, ef) in [
            ("ef_search", self.ef_search),
            ("whole_table_ef_search", self.whole_table_ef_search),
        ] {
            if !(1..=MAX_EF_SEARCH).contains(&ef) {
                return Err(SearchError::InvalidOptions(format!(
                    "{name} is {ef}, expected 1 to {MAX_EF_SEARCH}"
                )));
            }
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::{DimensionError, EMBEDDING_DIM};

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
        assert!(
            SearchOptions::default()
                .whole_table_ef_search(0)
                .validate()
                .is_err()
        );
        assert!(SearchOptions::default().validate().is_ok());
    }

    #[test]
    fn each_graph_has_its_ef_search_range_and_ef_search_pins_them_all() {
        let org = Scope::Organization(uuid::Uuid::nil());
        // (filtered table graph, tenant graph, whole table)
        let ranges = |o: SearchOptions| {
            (
                o.ef_search_range(org, HnswIndex::Table),
                o.ef_search_range(org, HnswIndex::Tenant),
                o.ef_search_range(Scope::All, HnswIndex::Table),
            )
        };
        let options = SearchOptions::default();
        let (ef, most) = (DEFAULT_EF_SEARCH, DEFAULT_WHOLE_TABLE_EF_SEARCH);
        assert_eq!(ranges(options), ((ef, ef), (ef, most), (ef, most)));
        assert_eq!(
            ranges(options.ef_search(77)),
            ((77, 77), (77, 77), (77, 77))
        );
        assert_eq!(
            ranges(options.whole_table_ef_search(300)),
            ((160, 160), (160, 300), (160, 300))
        );
        // A most below ef_search pins the whole-table walk to it; a tenant's walk keeps
        // ef_search.
        assert_eq!(
            ranges(options.whole_table_ef_search(100)),
            ((160, 160), (160, 160), (100, 100))
        );
        // Options serialised before the field existed read the default.
        let old: SearchOptions = serde_json::from_str(
            r#"{"k":10,"ef_search":40,"strategy":"auto","exact_max_rows":1000}"#,
        )
        .unwrap();
        assert_eq!(old.whole_table_ef_search, DEFAULT_WHOLE_TABLE_EF_SEARCH);
    }
}
