//! Tenant indexes: partial HNSW indexes that hold one organization's rows of a vector table
//! (`CREATE INDEX … USING hnsw ((l2_normalize(embedding)::halfvec(1536)) halfvec_cosine_ops) …
//! WHERE organization_id = '…' AND embedding_indexed`).
//!
//! A search inside a large tenant walks its tenant index instead of the table's HNSW index:
//! every row the walk meets belongs to the tenant, so the recall is that of an unfiltered
//! search instead of falling as the tenant gets sparser in the table (docs/VECTOR_SEARCH.md).
//!
//! The indexes are on [`Precision::tenant_expression`], `l2_normalize(embedding)`, not on
//! `embedding` (in half precision on the tables of [`deferred_graph`], like their table index): a
//! search that knows the tenant has a valid index orders by that expression, which only the
//! tenant's index can serve, so the planner cannot prefer the table's index (pgvector's cost
//! model does for small tenant indexes, and for any tenant index when the table's heap is
//! small: docs/BENCHMARKS.md). Cosine distance ignores length, so the order is the same. The
//! index's predicate is implied by the search's `organization_id = $2` once the plan is made
//! for the actual value, which the search forces (`plan_cache_mode = force_custom_plan`).
//!
//! This module names the indexes and states their definition and the policy that decides which
//! tenants get one; the `vector-maintain` tool (`make vector-maintain`) creates and drops them
//! with `CREATE/DROP INDEX CONCURRENTLY`. They live outside the migrations on purpose: which
//! tenants are large is data, not schema. [`crate::search`] only reads whether a valid index
//! exists (`SearchResults::hnsw_index`).

use crate::registry;
use crate::vector::EMBEDDING_DIM;
use uuid::Uuid;

/// How a table's HNSW indexes (the table's and the tenant indexes) hold the vectors. The
/// column is `vector(1536)` either way, and distances returned by searches are always computed
/// on it in full precision; the graph is walked in the index's precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// `vector` (4 bytes a dimension), `vector_cosine_ops`: `brand_voices`.
    Full,
    /// `halfvec` (2 bytes a dimension), `halfvec_cosine_ops`: the tables of
    /// [`deferred_graph`] (`chunks`, `messages`). Half the index size and build time at the
    /// same recall (docs/VECTOR_SEARCH.md, "Half precision graphs").
    Half,
}

impl Precision {
    /// The precision of `table`'s HNSW indexes.
    pub fn of(table: &str) -> Self {
        if deferred_graph(table) {
            Self::Half
        } else {
            Self::Full
        }
    }

    /// The pgvector type the index holds (`vector` or `halfvec`).
    pub fn type_name(self) -> &'static str {
        match self {
            Self::Full => "vector",
            Self::Half => "halfvec",
        }
    }

    /// The operator class of cosine distance for [`Self::type_name`].
    pub fn opclass(self) -> &'static str {
        match self {
            Self::Full => "vector_cosine_ops",
            Self::Half => "halfvec_cosine_ops",
        }
    }

    /// The expression the table's index is built on, and that a search through it orders by
    /// (`embedding` itself in full precision).
    pub fn table_expression(self) -> String {
        match self {
            Self::Full => "embedding".into(),
            Self::Half => format!("(embedding::halfvec({EMBEDDING_DIM}))"),
        }
    }

    /// The expression the tenant indexes are built on, and that searches through a tenant
    /// index order by: the embedding scaled to unit length (pgvector's `l2_normalize`,
    /// immutable), which has the same cosine distances, cast to the index's type with its
    /// dimensions (an HNSW index needs them).
    pub fn tenant_expression(self) -> String {
        format!(
            "(l2_normalize(embedding)::{}({EMBEDDING_DIM}))",
            self.type_name()
        )
    }

    /// [`Self::tenant_expression`] as `pg_get_indexdef` prints it.
    fn tenant_expression_deparsed(self) -> String {
        format!(
            "((l2_normalize(embedding))::{}({EMBEDDING_DIM}))",
            self.type_name()
        )
    }

    /// The query vector, parameter `param`, as the index compares it.
    pub fn query(self, param: &str) -> String {
        match self {
            Self::Full => param.into(),
            Self::Half => format!("{param}::halfvec({EMBEDDING_DIM})"),
        }
    }
}

/// `m` of the tenant indexes (and of the `brand_voices` graph; the graphs of `chunks` and
/// `messages` have 32 since `m20261204_000600_denser_graph`).
pub const HNSW_M: u32 = 16;
/// The setting (`name = value`) that lets an HNSW build on a table of vectors use the parallel
/// workers `max_parallel_maintenance_workers` allows: Postgres asks for none when the table's
/// main heap is below `min_parallel_table_scan_size`, and the heap of such a table is small
/// whatever its rows (about 2 pages per 100 rows here, the vectors being in TOAST), so every
/// build ran on one core. Applied with `SET` (or `SET LOCAL` inside a transaction) by whoever
/// builds (`vector-maintain`, the seeder's bulk load) rather than as the table's
/// `parallel_workers` storage parameter: nothing to reset if the build dies, no lock on the
/// table, and the searches' plans do not change.
pub const PARALLEL_BUILD_SETTING: &str = "min_parallel_table_scan_size = 0";
/// `ef_construction` of the tenant indexes, as of the graphs of `chunks` and `messages` since
/// `m20261204_000500_graph_build_quality` (the `brand_voices` index keeps 64): with 64, a
/// clustered graph of 200k rows left some rows unreachable (recall@10 stopped at 0.97); with
/// 128 it reaches 1.000 at the default `ef_search`, the same size for twice the build and merge
/// time (docs/VECTOR_SEARCH.md, "Why ef_construction 128").
pub const HNSW_EF_CONSTRUCTION: u32 = 128;

/// The tables that get tenant indexes: those with an `organization_id` and an `embedding`
/// column (`chunks`, `messages`), from the entity registry.
pub fn tables() -> Vec<&'static str> {
    registry::tables()
        .iter()
        .filter(|table| {
            let columns = table.columns();
            let has = |name: &str, ty: &str| {
                columns
                    .iter()
                    .any(|c| c.name == name && c.pg_type.starts_with(ty))
            };
            has("organization_id", "uuid") && has("embedding", "vector")
        })
        .map(|table| table.name)
        .collect()
}

/// Whether `table`'s HNSW graph is deferred: it has an `embedding_indexed` column (from the
/// entity registry), its HNSW indexes (the table's and the tenant indexes) hold only the rows
/// where it is true, and `vector-maintain` merges the others (`chunks`, `messages`; see
/// `docs/VECTOR_SEARCH.md`, "Deferred graph").
pub fn deferred_graph(table: &str) -> bool {
    registry::tables().iter().any(|t| {
        t.name == table
            && t.columns()
                .iter()
                .any(|c| c.name == GRAPH_COLUMN && c.pg_type == "boolean")
    })
}

/// The column that says whether a row is in the graph, on the tables of [`deferred_graph`].
pub const GRAPH_COLUMN: &str = "embedding_indexed";

/// The predicate of the tenant index of `organization_id` on `table` (without `WHERE`).
fn predicate(table: &str, organization_id: Uuid) -> String {
    if deferred_graph(table) {
        format!("organization_id = '{organization_id}'::uuid AND {GRAPH_COLUMN}")
    } else {
        format!("organization_id = '{organization_id}'::uuid")
    }
}

/// The prefix of every tenant index name of `table` (`chunks_org_hnsw_`).
pub fn name_prefix(table: &str) -> String {
    format!("{table}_org_hnsw_")
}

/// The name of the tenant index of `organization_id` on `table`:
/// `<table>_org_hnsw_<32 hex digits>` (at most 60 characters for the tables of the schema).
pub fn index_name(table: &str, organization_id: Uuid) -> String {
    format!("{}{}", name_prefix(table), organization_id.simple())
}

/// The organization a tenant index name of `table` stands for, if `name` is one.
pub fn parse_index_name(table: &str, name: &str) -> Option<Uuid> {
    let hex = name.strip_prefix(&name_prefix(table))?;
    (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| Uuid::parse_str(hex).ok())
        .flatten()
}

/// `CREATE INDEX CONCURRENTLY IF NOT EXISTS` of the tenant index (writes go on while it
/// builds; it must run outside a transaction). `table` must be one of [`tables`].
pub fn create_sql(table: &str, organization_id: Uuid) -> String {
    assert!(
        tables().contains(&table),
        "{table} has no tenant indexes (see tenant_index::tables)"
    );
    let precision = Precision::of(table);
    format!(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} \
         USING hnsw ({expression} {opclass}) \
         WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION}) \
         WHERE {predicate}",
        name = index_name(table, organization_id),
        expression = precision.tenant_expression(),
        opclass = precision.opclass(),
        predicate = predicate(table, organization_id),
    )
}

/// `DROP INDEX CONCURRENTLY IF EXISTS` of an index (outside a transaction).
pub fn drop_sql(name: &str) -> String {
    format!("DROP INDEX CONCURRENTLY IF EXISTS {name}")
}

/// Whether `indexdef` (from `pg_get_indexdef`) is the definition [`create_sql`] makes for
/// `organization_id` on `table`: HNSW on [`Precision::tenant_expression`] with cosine
/// distance in the table's precision, this
/// module's parameters, and the tenant's predicate (with [`GRAPH_COLUMN`] on the tables of
/// [`deferred_graph`]). An index by the right name but another definition is rebuilt.
pub fn definition_matches(table: &str, indexdef: &str, organization_id: Uuid) -> bool {
    let compact: String = indexdef.split_whitespace().collect::<Vec<_>>().join(" ");
    let tenant = format!("(organization_id = '{organization_id}'::uuid)");
    let predicate = if deferred_graph(table) {
        format!("WHERE ({tenant} AND {GRAPH_COLUMN})")
    } else {
        format!("WHERE {tenant}")
    };
    let precision = Precision::of(table);
    compact.contains(&format!(
        "USING hnsw ({} {})",
        precision.tenant_expression_deparsed(),
        precision.opclass()
    )) && compact.contains(&format!("m='{HNSW_M}'"))
        && compact.contains(&format!("ef_construction='{HNSW_EF_CONSTRUCTION}'"))
        && compact.ends_with(&predicate)
}

/// Which tenants get an index. The defaults follow [`super::DEFAULT_EXACT_MAX_ROWS`]: a tenant
/// that `Auto` no longer searches exactly gets an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TenantIndexPolicy {
    /// A tenant with more rows than this in a table gets an index on it.
    pub index_above: u64,
    /// An existing index is kept while its tenant has more rows than this (at most
    /// `index_above`): the gap keeps a tenant near the threshold from gaining and losing its
    /// index at every run.
    pub keep_above: u64,
    /// At most this many tenant indexes per table (the largest tenants win): every partial
    /// index adds a little planning time to each query of the table (0.5 ms for the search
    /// statement with 62 on `chunks`; the measure: 2 ms with 500).
    pub max_per_table: usize,
}

impl Default for TenantIndexPolicy {
    fn default() -> Self {
        let above = u64::from(super::DEFAULT_EXACT_MAX_ROWS);
        Self {
            index_above: above,
            keep_above: above / 2,
            // 1,000 organizations over 1M chunks (Zipf) have 82 tenants above 1,000 rows: a
            // tenant over the cap is walked on the filtered table graph (recall 0.5–0.98).
            max_per_table: 128,
        }
    }
}

impl TenantIndexPolicy {
    /// Whether a tenant of `rows` rows should have an index, given whether it has one now
    /// (the count of indexes per table is capped separately).
    pub fn wants(&self, rows: u64, has_index: bool) -> bool {
        rows > self.index_above || (has_index && rows > self.keep_above)
    }

    /// Check the policy: `keep_above <= index_above`, at least one index per table.
    pub fn validate(&self) -> Result<(), String> {
        if self.keep_above > self.index_above {
            return Err(format!(
                "keep_above ({}) must not exceed index_above ({})",
                self.keep_above, self.index_above
            ));
        }
        if self.max_per_table == 0 {
            return Err("max_per_table must be at least 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_have_the_embedding_dimensions_and_the_tables_precision() {
        for (table, ty) in [("chunks", "halfvec"), ("brand_voices", "vector")] {
            let precision = Precision::of(table);
            let dim = format!("{ty}({EMBEDDING_DIM})");
            assert!(precision.tenant_expression().contains(&dim));
            assert!(precision.tenant_expression_deparsed().contains(&dim));
            assert!(precision.opclass().starts_with(ty));
        }
        assert_eq!(Precision::Full.table_expression(), "embedding");
        assert_eq!(Precision::Full.query("$1"), "$1");
        assert_eq!(Precision::Half.query("$1"), "$1::halfvec(1536)");
    }

    #[test]
    fn chunks_and_messages_defer_their_graph() {
        let mut found: Vec<_> = tables().into_iter().filter(|t| deferred_graph(t)).collect();
        found.sort_unstable();
        assert_eq!(found, vec!["chunks", "messages"]);
    }

    #[test]
    fn tables_are_those_with_tenant_and_embedding() {
        let mut found = tables();
        found.sort_unstable();
        assert_eq!(found, vec!["brand_voices", "chunks", "messages"]);
    }

    #[test]
    fn names_round_trip_and_fit_identifiers() {
        let org = Uuid::parse_str("0191d7a4-1c2b-7def-8abc-0123456789ab").unwrap();
        for table in tables() {
            let name = index_name(table, org);
            assert!(name.len() <= 63, "{name}");
            assert_eq!(parse_index_name(table, &name), Some(org));
        }
        assert_eq!(
            parse_index_name("chunks", "chunks_embedding_hnsw_idx"),
            None
        );
        assert_eq!(parse_index_name("chunks", "chunks_org_hnsw_xyz"), None);
        assert_eq!(
            parse_index_name("messages", &index_name("chunks", org)),
            None
        );
        let sql = create_sql("chunks", org);
        assert!(
            sql.starts_with("CREATE INDEX CONCURRENTLY IF NOT EXISTS chunks_org_hnsw_0191d7a4")
        );
        assert!(sql.ends_with(
            "WHERE organization_id = '0191d7a4-1c2b-7def-8abc-0123456789ab'::uuid AND embedding_indexed"
        ));
        let voices = create_sql("brand_voices", org);
        assert!(
            voices
                .ends_with("WHERE organization_id = '0191d7a4-1c2b-7def-8abc-0123456789ab'::uuid"),
            "{voices}"
        );
        let def = |table: &str, predicate: &str| {
            let (ty, ops) = if table == "brand_voices" {
                ("vector", "vector_cosine_ops")
            } else {
                ("halfvec", "halfvec_cosine_ops")
            };
            format!(
                "CREATE INDEX {} ON public.{table} USING hnsw (((l2_normalize(embedding))::{ty}(1536)) {ops}) \
                 WITH (m='16', ef_construction='128') WHERE {predicate}",
                index_name(table, org)
            )
        };
        let merged = format!("((organization_id = '{org}'::uuid) AND embedding_indexed)");
        let tenant_only = format!("(organization_id = '{org}'::uuid)");
        let chunks = def("chunks", &merged);
        assert!(definition_matches("chunks", &chunks, org));
        assert!(!definition_matches(
            "chunks",
            &chunks.replace("'16'", "'8'"),
            org
        ));
        assert!(!definition_matches("chunks", &chunks, Uuid::nil()));
        // An index from before the deferred graph (every row of the tenant) is rebuilt.
        assert!(!definition_matches(
            "chunks",
            &def("chunks", &tenant_only),
            org
        ));
        assert!(definition_matches(
            "brand_voices",
            &def("brand_voices", &tenant_only),
            org
        ));
        assert!(!definition_matches(
            "brand_voices",
            &def("brand_voices", &merged),
            org
        ));
    }

    #[test]
    fn policy_has_hysteresis() {
        let policy = TenantIndexPolicy {
            index_above: 100,
            keep_above: 50,
            max_per_table: 4,
        };
        assert!(policy.validate().is_ok());
        assert!(policy.wants(101, false));
        assert!(!policy.wants(100, false));
        assert!(policy.wants(60, true));
        assert!(!policy.wants(50, true));
        assert!(TenantIndexPolicy::default().validate().is_ok());
        let bad = TenantIndexPolicy {
            keep_above: 200,
            ..policy
        };
        assert!(bad.validate().is_err());
    }
}
