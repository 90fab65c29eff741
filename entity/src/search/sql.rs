//! The SQL a search sends: the configuring statement (strategy choice and settings in one
//! round trip), the `SET LOCAL` form of the settings, and the search statement of each
//! strategy. Public so that tools can replay exactly what the helper sends.

use super::options::rows_per_candidate;
use super::{Configured, HnswIndex, Scope, SearchOptions, SearchStrategy, Target, tenant_index};
use sea_orm::prelude::PgVector;
use sea_orm::{DbBackend, Statement, Value};

/// Whether `Auto` counts the scope: inside an organization only (the whole table is never
/// searched exactly).
pub(super) fn counts(scope: Scope, options: &SearchOptions) -> bool {
    options.strategy == SearchStrategy::Auto && scope != Scope::All
}

/// The settings of the two strategies, `ef_search` being the SQL text expression of the
/// walk's `hnsw.ef_search`: (name, SQL value for `Exact`, SQL value for `Hnsw`).
fn settings(ef_search: &str) -> [(&'static str, String, String); 5] {
    let same = |v: &str| (v.to_owned(), v.to_owned());
    let (cache_exact, cache_hnsw) = same("'force_custom_plan'");
    let (ef_exact, ef_hnsw) = same(ef_search);
    let (iter_exact, iter_hnsw) = same("'relaxed_order'");
    [
        // Plan for the actual tenant and settings every time: a cached generic plan would not
        // (and could not prove a tenant index's predicate from a parameter).
        ("plan_cache_mode", cache_exact, cache_hnsw),
        // Exact: no index scan, so no HNSW (bitmap scans of the tenant's B-tree still run).
        // HNSW: index scans on, whatever the session says.
        ("enable_indexscan", "'off'".into(), "'on'".into()),
        // HNSW: no sort, so that the ordered index scan wins over an exact scan and sort.
        ("enable_sort", "'on'".into(), "'off'".into()),
        // Read by HNSW scans only: harmless for `Exact`.
        ("hnsw.ef_search", ef_exact, ef_hnsw),
        ("hnsw.iterative_scan", iter_exact, iter_hnsw),
    ]
}

/// The `hnsw.ef_search` of a walk of `target` in `scope`, as an SQL expression of type text,
/// `tenant_index` being the SQL boolean that says whether the organization's own graph is
/// valid and `tenant_name` the SQL text of its name. The walk keeps one candidate per
/// [`rows_per_candidate`] rows of the graph it goes through (the planner's estimate of
/// the index's rows, `pg_class.reltuples`, kept by `VACUUM`, `ANALYZE` and index builds),
/// within [`SearchOptions::ef_search_range`]: over the whole table the table's graph
/// (`<table>_embedding_hnsw_idx`), inside an organization its own graph when it has one, and
/// [`SearchOptions::ef_search`] through the table's graph filtered to it. A graph missing or
/// never counted (`reltuples` -1) walks with the most.
fn ef_search_sql(
    scope: Scope,
    target: Target,
    options: &SearchOptions,
    tenant_index: &str,
    tenant_name: &str,
) -> String {
    let sized = |index: HnswIndex, graph: &str| {
        let (fewest, most) = options.ef_search_range(scope, index);
        let per = rows_per_candidate(index);
        if fewest == most {
            return format!("'{most}'");
        }
        format!(
            "coalesce((SELECT least({most}, greatest({fewest}, \
             ceil(c.reltuples / {per})))::int::text \
             FROM pg_catalog.pg_class c \
             WHERE c.oid = pg_catalog.to_regclass({graph}) AND c.reltuples >= 0), '{most}')"
        )
    };
    match scope {
        Scope::All => sized(
            HnswIndex::Table,
            &format!("'{}_embedding_hnsw_idx'", target.table()),
        ),
        Scope::Organization(_) => {
            let own = sized(HnswIndex::Tenant, &format!("{tenant_name}::text"));
            let filtered = sized(HnswIndex::Table, "NULL");
            if own == filtered {
                own
            } else {
                format!("CASE WHEN {tenant_index} THEN {own} ELSE {filtered} END")
            }
        }
    }
}

/// The one statement [`super::configure`] runs: through `set_config(..., true)` (the function form
/// of `SET LOCAL`) it applies the settings of the strategy, and it reads whether the tenant
/// index named by a parameter exists and is valid (column `tenant_index`; `false` for a NULL
/// name).
///
/// For `Auto` inside an organization it also counts the rows in scope, bounded (column `n`),
/// and each setting that differs between the strategies takes the value of the one the count
/// selects; when the tenant index is valid and the search is not narrowed, the count is
/// skipped (`n` NULL) and the strategy is `Hnsw` through the tenant index. Parameters: `$1`
/// organization id, `$2` the cap (`exact_max_rows + 1`), `$3` the tenant index name (text or
/// NULL), `$4` the narrowing id when the target has one. Otherwise (`Exact`, `Hnsw`, or `Auto`
/// over [`Scope::All`], which is `Hnsw`), `n` is NULL and the only parameter is `$1`, the
/// tenant index name. Column `ef_search` is the `hnsw.ef_search` it sets: over the whole
/// table it follows the size of the table's graph, through a tenant's own graph the size of
/// that one ([`SearchOptions::ef_search_range`]).
/// (This statement runs before the settings it
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
        let ef = ef_search_sql(scope, target, options, "c.tenant_index", "$3");
        let sets = set_configs(&ef, |exact, hnsw| {
            if exact == hnsw {
                exact.to_owned()
            } else {
                format!("CASE WHEN c.n < $2 THEN {exact} ELSE {hnsw} END")
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
            "/* neonhub:search auto {table} */ SELECT c.n, c.tenant_index, \
             ({ef})::int AS ef_search, {sets} FROM (SELECT p.tenant_index, \
             CASE WHEN {skip_count} THEN NULL ELSE \
             (SELECT count(*) FROM (SELECT 1 FROM {table} t WHERE {condition} LIMIT $2) s) \
             END AS n FROM (SELECT {probe}) p) c",
            probe = probe("$3"),
        )
    } else {
        let strategy = match options.strategy {
            SearchStrategy::Exact => SearchStrategy::Exact,
            SearchStrategy::Auto | SearchStrategy::Hnsw => SearchStrategy::Hnsw,
        };
        let ef = ef_search_sql(scope, target, options, "p.tenant_index", "$1");
        let sets = set_configs(&ef, |exact, hnsw| {
            if strategy == SearchStrategy::Hnsw {
                hnsw.to_owned()
            } else {
                exact.to_owned()
            }
        });
        format!(
            "/* neonhub:search {strategy} {table} */ SELECT NULL::bigint AS n, p.tenant_index, \
             ({ef})::int AS ef_search, {sets} FROM (SELECT {probe}) p",
            probe = probe("$1"),
        )
    }
}

/// `set_config('name', <value>, true), ...` for every setting, the value expression made by
/// `value(exact, hnsw)` from the SQL values of the two strategies (`ef_search` as in
/// [`settings`]).
fn set_configs(ef_search: &str, value: impl Fn(&str, &str) -> String) -> String {
    settings(ef_search)
        .iter()
        .map(|(name, exact, hnsw)| format!("set_config('{name}', {}, true)", value(exact, hnsw)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `SET LOCAL` statements of the strategy `configured` chose (`Exact` for `Auto`), as one
/// string (one round trip): what [`configure_sql`] applied, the walk's `hnsw.ef_search` being
/// [`Configured::ef_search`] ([`SearchOptions::ef_search`] when it is `None`).
pub fn settings_sql(configured: &Configured, options: &SearchOptions) -> String {
    let ef = format!("'{}'", configured.ef_search.unwrap_or(options.ef_search));
    settings(&ef)
        .iter()
        .map(|(name, exact, hnsw)| {
            let value = if configured.strategy == SearchStrategy::Hnsw {
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
/// The tenant form orders by [`tenant_index::Precision::tenant_expression`], the expression of
/// the tenant indexes, which the table's index cannot serve: the planner walks the tenant's
/// index (or, should it have been dropped since [`super::configure`] saw it, scans exactly),
/// whatever its cost model would prefer. The walk compares in the index's precision
/// ([`tenant_index::Precision`]: half on `chunks` and `messages`); `distance` is always
/// `embedding <=> $1` in full precision, and the final sort is by it.
///
/// On a table whose graph is deferred ([`tenant_index::deferred_graph`]: `chunks`,
/// `messages`), the HNSW indexes hold the merged rows only (`embedding_indexed`), so the HNSW
/// forms walk them for those and add the `k` nearest of the rows still waiting for
/// `vector-maintain`, found exactly through the small `<table>_embedding_pending_idx`; the
/// union is sorted again. A row is therefore found from the moment it is committed.
pub fn search_sql(scope: Scope, target: Target, configured: &Configured) -> String {
    let table = target.table();
    let columns = target.columns();
    let condition = target.scope_condition(scope);
    let select = format!("SELECT {columns}, t.embedding <=> $1 AS distance FROM {table} t");
    let precision = tenant_index::Precision::of(table);
    let query = precision.query("$1");
    // A half-precision walk orders candidates by an approximation of the distance: take
    // twice k of them, so that the rows whose full-precision order differs at the k-th place
    // are still among them when the union is sorted by `distance`.
    let candidates = match precision {
        tenant_index::Precision::Full => "$3",
        tenant_index::Precision::Half => "$3 * 2",
    };
    let hnsw = |name: &str, order: &str| {
        if tenant_index::deferred_graph(table) {
            format!(
                "/* neonhub:search {name} {table} */ WITH nearest AS MATERIALIZED (\
                 {select} WHERE {condition} AND t.embedding_indexed \
                 ORDER BY {order} <=> {query} LIMIT {candidates}), \
                 waiting AS MATERIALIZED ({select} WHERE {condition} \
                 AND NOT t.embedding_indexed AND t.embedding IS NOT NULL \
                 ORDER BY t.embedding <=> $1 LIMIT $3) \
                 SELECT * FROM nearest UNION ALL SELECT * FROM waiting ORDER BY distance LIMIT $3"
            )
        } else {
            format!(
                "/* neonhub:search {name} {table} */ WITH nearest AS MATERIALIZED (\
                 {select} WHERE {condition} ORDER BY {order} <=> {query} LIMIT {candidates}) \
                 SELECT * FROM nearest ORDER BY distance LIMIT $3"
            )
        }
    };
    match (configured.strategy, configured.hnsw_index) {
        (SearchStrategy::Hnsw, Some(HnswIndex::Tenant)) => hnsw(
            "hnsw-tenant",
            &precision
                .tenant_expression()
                .replace("embedding", "t.embedding"),
        ),
        (SearchStrategy::Hnsw, _) => hnsw(
            "hnsw",
            &precision
                .table_expression()
                .replace("embedding", "t.embedding"),
        ),
        (SearchStrategy::Exact | SearchStrategy::Auto, _) => format!(
            "/* neonhub:search exact {table} */ {select} \
             WHERE {condition} AND t.embedding IS NOT NULL \
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

pub(super) fn statement(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{
        DEFAULT_EF_SEARCH, DEFAULT_EXACT_MAX_ROWS, DEFAULT_WHOLE_TABLE_EF_SEARCH, strategy_for,
    };
    use uuid::Uuid;

    #[test]
    fn sql_casts_enums_and_narrows_scope() {
        let org = Scope::Organization(Uuid::nil());
        let exact = Configured {
            strategy: SearchStrategy::Exact,
            hnsw_index: None,
            scope_rows: None,
            ef_search: None,
        };
        let table = Configured {
            strategy: SearchStrategy::Hnsw,
            hnsw_index: Some(HnswIndex::Table),
            ef_search: Some(77),
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
            hnsw.contains(
                "ORDER BY (t.embedding::halfvec(1536)) <=> $1::halfvec(1536) LIMIT $3 * 2"
            ),
            "{hnsw}"
        );
        assert!(
            hnsw.contains("AND NOT t.embedding_indexed") && hnsw.contains("UNION ALL"),
            "{hnsw}"
        );
        let voices = search_sql(org, Target::BrandVoices { brand_id: None }, &table);
        assert!(
            voices.contains("ORDER BY t.embedding <=> $1 LIMIT $3") && !voices.contains("UNION"),
            "{voices}"
        );
        assert!(!hnsw.contains("$4"), "{hnsw}");
        let own = search_sql(org, chunks, &tenant);
        assert!(
            own.contains(
                "ORDER BY (l2_normalize(t.embedding)::halfvec(1536)) <=> $1::halfvec(1536) LIMIT $3 * 2"
            ),
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
        // The whole table walks with an ef_search that follows its graph's rows, between the
        // two defaults; ef_search alone pins it.
        let defaults = SearchOptions::default().strategy(SearchStrategy::Hnsw);
        let whole = configure_sql(Scope::All, chunks, &defaults);
        let sized = format!(
            "least({DEFAULT_WHOLE_TABLE_EF_SEARCH}, greatest({DEFAULT_EF_SEARCH}, \
             ceil(c.reltuples / 1000)))"
        );
        assert!(whole.contains(&sized), "{whole}");
        assert!(
            whole.contains("to_regclass('chunks_embedding_hnsw_idx')"),
            "{whole}"
        );
        assert!(whole.contains("AS ef_search"), "{whole}");
        // Inside an organization, its own graph's rows when it has one (the index named by the
        // parameter; one candidate per 500 rows of that sparser graph), ef_search through the
        // table's.
        let inside = configure_sql(org, chunks, &defaults);
        let own = format!(
            "'hnsw.ef_search', CASE WHEN p.tenant_index THEN coalesce((SELECT \
             least({DEFAULT_WHOLE_TABLE_EF_SEARCH}, greatest({DEFAULT_EF_SEARCH}, \
             ceil(c.reltuples / 500)))"
        );
        assert!(inside.contains(&own), "{inside}");
        assert!(
            inside.contains("WHERE c.oid = pg_catalog.to_regclass($1::text)"),
            "{inside}"
        );
        assert!(
            inside.contains(&format!("ELSE '{DEFAULT_EF_SEARCH}' END")),
            "{inside}"
        );
        let hnsw = settings_sql(&table, &options);
        assert!(hnsw.contains("SET LOCAL hnsw.ef_search = '77'"), "{hnsw}");
        assert!(hnsw.contains("SET LOCAL enable_sort = 'off'"), "{hnsw}");
        assert!(hnsw.contains("'relaxed_order'"), "{hnsw}");
        let exact = settings_sql(&exact, &options);
        assert!(
            exact.contains("SET LOCAL enable_indexscan = 'off'"),
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
