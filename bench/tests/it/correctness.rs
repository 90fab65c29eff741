//! The benchmark on a small configuration (1,500 chunks over 12 tenants), checking correctness
//! only, never a timing: our loader and the raw COPY write the same rows, recall is computed
//! against exact search, every tenant gets k rows from every strategy before and after the
//! tenant-index maintenance, the plans are the intended ones, the maintenance is idempotent
//! and afterwards the tenants above its (scaled-down) threshold are answered by their own
//! index and the small ones exactly, the ingestion figure inserts, waits and merges what it
//! says, smoke and the one statement agree, and a pg_dump replay gives the migrated schema.

use bench::search::{
    Answered, measure_global, measure_overhead, measure_planning, measure_tenants,
    measure_unfiltered, query_vectors,
};
use bench::{
    BenchConfig, BenchReport, PgTools, Server, counts, data, ingest, render_markdown, schema,
    storage,
};
use entity::search::{HnswIndex, SearchStrategy};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::time::Duration;
use testkit::TestDb;

/// Exact search up to, and tenant indexes above, this many rows (scaled down from 1,500).
const THRESHOLD: u32 = 150;

/// 1,500 chunks: 12, 30, 165 and 750 for the fixed shares (the smallest still holds k), eight
/// Zipf tenants of 24 to 205; tenant indexes for 165, 205 and 750 chunks and for the largest
/// tenant's 200 messages. (Small tenant indexes in a small table are the case where pgvector's
/// cost model would prefer the table's index over a partial index on `embedding`; the tenant
/// indexes are on `l2_normalize(embedding)` so that it cannot, and this checks it.)
fn small_config() -> BenchConfig {
    BenchConfig {
        chunks: 1_500,
        messages: 400,
        shares: vec![0.008, 0.02, 0.11, 0.5],
        queries: 30,
        tenant_queries: 10,
        ef_sweep: vec![40],
        exact_max_rows: THRESHOLD,
        tenant_index_above: Some(u64::from(THRESHOLD)),
        load_rounds: 1,
        repeats: 1,
        ..BenchConfig::default()
    }
}

async fn checksum(db: &DatabaseConnection, table: &str) -> String {
    db.query_one_raw(Statement::from_string(
        DbBackend::Postgres,
        // Every column but the load's timestamps.
        format!(
            "SELECT md5(string_agg((to_jsonb(t) - 'created_at' - 'updated_at')::text, '|' \
             ORDER BY t.id)) FROM {table} t"
        ),
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index(0)
    .unwrap()
}

#[tokio::test]
async fn small_configuration_is_correct() {
    let config = small_config();
    let plan = config.plan().unwrap();
    let log = |line: &str| eprintln!("bench: {line}");

    // Figure 1: the same rows either way.
    let db = TestDb::migrated().await;
    let (ours, dropped, _) = data::ours_copy(db.conn(), &plan).await.unwrap();
    let raw_db = TestDb::migrated().await;
    let raw = data::raw_copy(raw_db.conn(), &data::encode_streams(&plan))
        .await
        .unwrap();
    assert_eq!(ours.rows, raw.rows);
    assert_eq!(ours.rows, plan.total_rows() as u64);
    for table in ["chunks", "messages", "documents"] {
        assert_eq!(
            checksum(db.conn(), table).await,
            checksum(raw_db.conn(), table).await,
            "{table}: our loader and the raw COPY wrote the same rows"
        );
    }
    drop(raw_db);

    // Figure 2: the index comes back as it was.
    assert_eq!(dropped.len(), 3);
    let index = data::measure_index_build(db.conn(), &dropped, &config, &log)
        .await
        .unwrap();
    assert!(index.chunks_serial.is_some());
    assert!(index.chunks_index_bytes > 0);
    assert_eq!(index.chunks_index_options, "m=32, ef_construction=128");
    data::vacuum_analyze(db.conn()).await.unwrap();

    // Figure 3: recall against exact search, on the intended plans.
    let queries = query_vectors(&plan, config.queries);
    let global = measure_global(db.conn(), &queries, &config, &log)
        .await
        .unwrap();
    assert!(global.plans_as_intended);
    assert_eq!(global.exact.n, config.queries);
    for row in &global.sweep {
        assert!((0.0..=1.0).contains(&row.recall));
        assert!(
            row.recall >= 0.8,
            "ef_search {}: {}",
            row.ef_search,
            row.recall
        );
    }

    // The tenant table and figure 2b: k rows from every strategy; before the maintenance HNSW
    // walks the table's index; after it, the tenants above the threshold walk their own index
    // and the small ones are searched exactly; the maintenance is idempotent.
    let result = measure_tenants(db.conn(), db.url(), &plan, &queries, &config, &log)
        .await
        .unwrap();
    let tenants = &result.tenants;
    assert_eq!(tenants.len(), config.orgs);
    assert!(tenants.windows(2).all(|w| w[0].rows <= w[1].rows));
    let k = config.k as usize;
    let above = u64::from(THRESHOLD);
    assert_eq!(config.tenant_index_policy().index_above, above);
    let (mut tenant_indexed, mut exact) = (0, 0);
    for t in tenants {
        let name = &t.slug;
        assert!(t.rows >= k, "{name} has {} rows", t.rows);
        let fixed = t.index < config.shares.len();
        assert_eq!(t.fixed_share.is_some(), fixed, "{name}");
        let n = if fixed {
            config.queries
        } else {
            config.tenant_queries
        };
        assert_eq!((t.queries, t.exact.latency.n), (n, n), "{name}");
        assert_eq!(t.exact.recall, 1.0, "{name}");
        // Every tenant is searched before the maintenance too (the default).
        let hnsw_before = t.hnsw_before.as_ref().expect("searched before");
        let auto_before = t.auto_before.as_ref().expect("searched before");
        let hnsw_after = t.hnsw_after.as_ref().expect("searched after");
        for series in [
            &t.exact,
            hnsw_before,
            auto_before,
            hnsw_after,
            &t.auto_after,
        ] {
            assert!(series.every_k(k), "{name}: {series:?}");
            assert!((0.0..=1.0).contains(&series.recall), "{name}");
            assert_eq!(series.answered.iter().map(|(_, n)| n).sum::<usize>(), n);
        }
        assert!(t.plans_as_intended, "{name}");
        assert!(hnsw_before.only(Answered::TableIndex), "{name}");
        let small = t.rows <= THRESHOLD as usize;
        if small {
            for auto in [auto_before, &t.auto_after] {
                assert!(auto.only(Answered::Exact), "{name}: {auto:?}");
                assert_eq!(auto.recall, 1.0, "{name}");
            }
            assert!(hnsw_after.only(Answered::TableIndex), "{name}");
            exact += 1;
        } else {
            assert!(auto_before.only(Answered::TableIndex), "{name}");
            for after in [hnsw_after, &t.auto_after] {
                assert!(after.only(Answered::TenantIndex), "{name}: {after:?}");
                assert!(after.recall >= 0.8, "{name}: {after:?}");
            }
            tenant_indexed += 1;
        }
    }
    assert!(
        exact >= 2 && tenant_indexed >= 2,
        "{exact} exact, {tenant_indexed} indexed"
    );
    let smallest = tenants.iter().find(|t| t.index == 0).unwrap();
    assert_eq!(smallest.rows, 12, "0.8% of 1,500");
    let m = &result.maintenance;
    let wanted = plan
        .tenants()
        .iter()
        .map(|t| usize::from(t.chunks as u64 > above) + usize::from(t.messages as u64 > above))
        .sum::<usize>();
    assert_eq!(wanted, tenant_indexed + 1, "one messages index too");
    assert_eq!((m.first.planned, m.first.created), (wanted, wanted));
    assert_eq!(m.first.pending_after, 0);
    assert_eq!(m.second.planned, 0, "the second run has nothing to do");
    assert_eq!(m.second.created + m.second.rebuilt + m.second.dropped, 0);
    assert_eq!(m.second.pending_after, 0);
    assert!(m.idempotent());
    assert_eq!(m.indexes.len(), wanted);
    assert!(
        m.indexes
            .iter()
            .all(|i| i.bytes > 0 && i.build_seconds.is_some())
    );
    assert_eq!(
        m.index_bytes,
        m.indexes.iter().map(|i| i.bytes).sum::<i64>()
    );

    // Figures 3c and 3d: the helper over the whole table walks the table's index, k rows.
    let unfiltered = measure_unfiltered(db.conn(), &queries, &global.exact_ids, &config)
        .await
        .unwrap();
    assert!(unfiltered.plan_as_intended);
    assert!(unfiltered.helper.only(Answered::TableIndex));
    for series in [&unfiltered.helper, &unfiltered.raw] {
        assert!(series.every_k(k), "{series:?}");
        assert!(series.recall >= 0.8, "{series:?}");
    }
    assert_eq!(unfiltered.helper.latency.n, unfiltered.raw.latency.n);
    assert!(unfiltered.helper.latency.n > 0);

    // Figure 5, after the maintenance: the 1% tenant exactly, the largest through its own index,
    // on the plans the helper reports.
    let overhead = measure_overhead(db.conn(), &plan, &queries, &config)
        .await
        .unwrap();
    assert_eq!(overhead.len(), 2);
    assert!(overhead.iter().all(|o| o.plan_as_intended), "{overhead:?}");
    assert_eq!(overhead[0].strategy, SearchStrategy::Exact);
    assert_eq!(overhead[0].hnsw_index, None);
    assert_eq!(overhead[1].strategy, SearchStrategy::Hnsw);
    assert_eq!(overhead[1].hnsw_index, Some(HnswIndex::Tenant));
    assert_eq!(overhead[1].rows, plan.largest_tenant().chunks);

    // Figure 9: every series inserted its rows, the deferred ones waited; the merge is timed
    // on the last 100 of them (the others deleted first) and vector-maintain merged them (the
    // ones put into the graph on insert, a series of 100, never waited), the baseline table
    // is gone; then the inserted rows go, for the counts below.
    let ingest_config = BenchConfig {
        ingest_rows: 200,
        ingest_graph_rows: Some(100),
        ..config.clone()
    };
    let ingest = ingest::measure(db.url(), db.conn(), &plan, &ingest_config, &log)
        .await
        .unwrap();
    assert_eq!(
        (ingest.rows, ingest.graph_rows, ingest.rounds),
        (200, 100, 3)
    );
    assert_eq!(ingest.merged_rows, 100, "{ingest:?}");
    for rate in [
        ingest.baseline_rows_per_second,
        ingest.deferred_rows_per_second,
        ingest.immediate_rows_per_second,
        ingest.merge_rows_per_second,
    ] {
        assert!(rate.is_finite() && rate > 0.0, "{ingest:?}");
    }
    assert!((ingest.tenant_share - 0.11).abs() < 0.02, "{ingest:?}");
    let baseline_left = data::count(
        db.conn(),
        "SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'ingest_baseline'",
    )
    .await
    .unwrap();
    assert_eq!(baseline_left, 0);
    let added = data::count(
        db.conn(),
        "WITH gone AS (DELETE FROM chunks WHERE text LIKE 'ingested chunk %' RETURNING 1) \
         SELECT count(*) AS n FROM gone",
    )
    .await
    .unwrap();
    assert_eq!(
        added, 200,
        "the last 100 rows of the deferred series (the merged ones) and 100 on insert"
    );

    // Figure 10: every family measured, the float32 baseline built and dropped again; built
    // on a sample, its size scaled by the rows comes within a few percent of the full build.
    let storage = storage::measure(db.conn(), 0).await.unwrap();
    assert_eq!(storage.float32_sample_rows, None);
    assert_eq!(storage.rows, 1_500, "{storage:?}");
    let sampled = storage::measure(db.conn(), 500).await.unwrap();
    assert_eq!(sampled.float32_sample_rows, Some(500));
    let scale = sampled.float32_bytes as f64 / storage.float32_bytes as f64;
    assert!((0.95..=1.05).contains(&scale), "{sampled:?} vs {storage:?}");
    assert_eq!(sampled.total_bytes(), storage.total_bytes());
    assert!(
        storage.table_graph_bytes > 0 && storage.float32_bytes > 0,
        "{storage:?}"
    );
    assert!(storage.pending_bytes > 0, "{storage:?}");
    assert_eq!(storage.tenant_indexes, 3, "{storage:?}");
    let float32_left = data::count(
        db.conn(),
        "SELECT count(*) AS n FROM pg_class \
         WHERE relname IN ('bench_chunks_float32_hnsw', 'bench_float32_sample')",
    )
    .await
    .unwrap();
    assert_eq!(
        float32_left, 0,
        "the float32 index and its sample are dropped"
    );

    // Figure 11: the helper's statements explained with every maintenance index present.
    let planning = measure_planning(db.conn(), &result, &queries, &config)
        .await
        .unwrap();
    let answered: Vec<Answered> = planning.rows.iter().map(|r| r.answered).collect();
    assert_eq!(planning.rows[0].case, "whole table");
    for path in [Answered::TableIndex, Answered::TenantIndex, Answered::Exact] {
        assert!(answered.contains(&path), "{planning:?}");
    }
    assert_eq!(planning.tenant_indexes, 3, "{planning:?}");
    assert!(planning.chunks_indexes > planning.tenant_indexes);
    for row in &planning.rows {
        assert!(
            row.planning.p50_ms > 0.0 && row.execution.p50_ms > 0.0,
            "{row:?}"
        );
    }

    // Figure 7: the same counts both ways.
    let smoke = counts::measure(db.conn(), 1).await.unwrap();
    assert!(smoke.equal);
    assert_eq!(smoke.total_rows, plan.total_rows() as i64);

    let mut report = BenchReport::new(config.clone());
    report.add_index(&index);
    report.add_global(&global);
    report.add_tenants(&result);
    report.add_unfiltered(&unfiltered);
    report.add_overhead(&overhead);
    report.add_smoke(&smoke);
    report.add_ingest(&ingest);
    report.add_storage(&storage);
    report.add_planning(&planning);
    let markdown = render_markdown(&report);
    for id in [
        "| 2 |", "| 2b |", "| 3a |", "| 3b |", "| 3c |", "| 3d |", "| 4a |", "| 4b |", "| 4c |",
        "| 4d |", "| 4z |", "| 5a |", "| 5b |", "| 7 |", "| 9 |", "| 9b |", "| 9c |", "| 10 |",
        "| 11 |",
    ] {
        assert!(markdown.contains(id), "{id} in:\n{markdown}");
    }
    assert!(
        !markdown.contains("| 4e |"),
        "one goal figure per fixed share"
    );
    assert!(markdown.contains("## Tenant indexes"), "{markdown}");
    let maintenance = report.figures.iter().find(|f| f.id == "2b").unwrap();
    assert_eq!(maintenance.met, Some(true), "{maintenance:?}");
    for id in ["4a", "4b", "4c", "4d"] {
        let goal = report.figures.iter().find(|f| f.id == id).unwrap();
        assert!(goal.met.is_some(), "{goal:?}");
    }
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["figures"].as_array().unwrap().len() >= 13);
    assert_eq!(json["tenants"].as_array().unwrap().len(), config.orgs);
    assert!(json["tenants"][0]["auto_after"]["answered"].is_array());
    assert!(json["maintenance"]["indexes"].is_array());
    assert!(json["unfiltered"]["helper"]["recall"].is_number());
    let back: BenchReport = serde_json::from_value(json).unwrap();
    assert_eq!(back.tenants, report.tenants);
}

/// `--table-graph-fixed-only` (the scale run): the filtered table graph is walked for the
/// fixed-share tenants only; the others are searched after the maintenance, forced to HNSW
/// only where that walks their own index, and every tenant still gets its exact reference and
/// its `Auto` series.
#[tokio::test]
async fn the_table_graph_is_walked_for_the_fixed_shares_only_when_asked() {
    let config = BenchConfig {
        table_graph_all_tenants: false,
        serial_build_baseline: false,
        ..small_config()
    };
    let plan = config.plan().unwrap();
    let log = |line: &str| eprintln!("bench: {line}");
    let db = TestDb::migrated().await;
    let (_, dropped, _) = data::ours_copy(db.conn(), &plan).await.unwrap();
    data::measure_index_build(db.conn(), &dropped, &config, &log)
        .await
        .unwrap();
    data::vacuum_analyze(db.conn()).await.unwrap();
    let queries = query_vectors(&plan, config.queries);
    let result = measure_tenants(db.conn(), db.url(), &plan, &queries, &config, &log)
        .await
        .unwrap();
    assert_eq!(result.tenants.len(), config.orgs);
    let (mut indexed, mut exact) = (0, 0);
    for t in &result.tenants {
        let name = &t.slug;
        let fixed = t.index < config.shares.len();
        let has_index = t.rows > THRESHOLD as usize;
        assert_eq!(t.hnsw_before.is_some(), fixed, "{name}");
        assert_eq!(t.auto_before.is_some(), fixed, "{name}");
        assert_eq!(t.hnsw_after.is_some(), fixed || has_index, "{name}");
        assert_eq!(t.exact.recall, 1.0, "{name}");
        assert!(t.auto_after.every_k(config.k as usize), "{name}");
        if !fixed {
            let answered = if has_index {
                indexed += 1;
                Answered::TenantIndex
            } else {
                exact += 1;
                Answered::Exact
            };
            assert!(t.auto_after.only(answered), "{name}: {:?}", t.auto_after);
            if let Some(hnsw) = &t.hnsw_after {
                assert!(hnsw.only(Answered::TenantIndex), "{name}: {hnsw:?}");
            }
        }
    }
    assert!(
        indexed >= 1 && exact >= 1,
        "{indexed} indexed, {exact} exact"
    );
}

#[tokio::test]
async fn schema_replay_equals_the_migrated_schema() {
    let Some(tools) = PgTools::find(None) else {
        eprintln!("skipped: psql and pg_dump not found (set PG_BIN_DIR)");
        return;
    };
    let server = Server::new(testkit::server_url(), Duration::from_secs(30));
    let server_major = server.environment().await.unwrap().server_version;
    let server_major: u32 = server_major
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if tools.major_version().is_none_or(|m| m < server_major) {
        eprintln!(
            "skipped: pg_dump {:?} is older than the server ({server_major})",
            tools.major_version()
        );
        return;
    }
    let config = BenchConfig {
        database: format!("neonhub_test_bench_{}", uuid::Uuid::now_v7().simple()),
        repeats: 1,
        ..BenchConfig::default()
    };
    let result = schema::measure(&server, &tools, &config).await.unwrap();
    assert!(
        result.identical_schema,
        "first difference: {:?}",
        result.first_difference
    );
    assert!(result.dump_bytes > 10_000);
    assert_eq!((result.migrate.n, result.replay.n), (1, 1));
}
