//! What a search is asked: the strategy, `k`, `ef_search`, the exact-search threshold, and the
//! check of the query vector.

use super::SearchError;
use crate::vector::check;
use sea_orm::prelude::PgVector;
use serde::{Deserialize, Serialize};

/// Default number of neighbours returned.
pub const DEFAULT_K: u32 = 10;
/// Default `hnsw.ef_search`: the size of the candidate list an HNSW walk keeps. 160 keeps the
/// whole-table recall@10 at 0.98 or more whatever the build of the graph, for a fraction of a
/// millisecond more than lower values (measurements: docs/VECTOR_SEARCH.md, "Why ef_search 160").
pub const DEFAULT_EF_SEARCH: u32 = 160;
/// Default scope size (rows) up to which [`SearchStrategy::Auto`] searches exactly, and above
/// which a tenant gets its own HNSW index ([`super::tenant_index::TenantIndexPolicy`]): up to here an
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

    pub(super) fn validate(&self) -> Result<(), SearchError> {
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
        assert!(SearchOptions::default().validate().is_ok());
    }
}
