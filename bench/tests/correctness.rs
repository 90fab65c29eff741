//! The benchmark on a small configuration (2,000 chunks), checking correctness only, never a
//! timing: our loader and the raw COPY write the same rows, recall is computed against exact
//! search, every filtered query returns k rows, the plans are the intended ones, smoke and the
//! one statement agree, and a pg_dump replay gives the migrated schema.

use bench::search::{measure_global, measure_overhead, measure_tenants, query_vectors};
use bench::{BenchConfig, BenchReport, PgTools, Server, counts, data, render_markdown, schema};
use entity::search::SearchStrategy;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::time::Duration;
use testkit::TestDb;

fn small_config() -> BenchConfig {
    BenchConfig {
        chunks: 2_000,
        messages: 200,
        orgs: 10,
        queries: 30,
        tenant_queries: 10,
        ef_sweep: vec![40],
        // Tenants above 200 rows go through HNSW, so both strategies are exercised.
        exact_max_rows: 200,
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

    // Figure 4: every filtered query returns k rows; exact answers have recall 1.
    let tenants = measure_tenants(db.conn(), &plan, &queries, &config, &log)
        .await
        .unwrap();
    assert_eq!(tenants.len(), config.orgs);
    let k = config.k as usize;
    let mut strategies = Vec::new();
    for t in &tenants {
        assert!(t.rows >= k, "{} has {} rows", t.slug, t.rows);
        for series in [&t.auto, &t.hnsw] {
            assert_eq!((series.min_rows, series.max_rows), (k, k), "{}", t.slug);
            assert!((0.0..=1.0).contains(&series.recall));
        }
        for (strategy, _) in &t.auto.strategies {
            if *strategy == SearchStrategy::Exact {
                assert_eq!(t.auto.recall, 1.0, "{}", t.slug);
            }
            strategies.push(*strategy);
        }
    }
    assert!(strategies.contains(&SearchStrategy::Exact));
    assert!(strategies.contains(&SearchStrategy::Hnsw));
    let small = tenants.iter().find(|t| t.index == 0).unwrap();
    assert_eq!(small.rows, 20, "1% of 2,000");

    // Figure 5: the helper's plans match its strategies.
    let overhead = measure_overhead(db.conn(), &plan, &queries, &config)
        .await
        .unwrap();
    assert_eq!(overhead.len(), 2);
    assert!(overhead.iter().all(|o| o.plan_as_intended));
    assert_eq!(overhead[0].strategy, SearchStrategy::Exact);
    assert_eq!(overhead[1].strategy, SearchStrategy::Hnsw);

    // Figure 7: the same counts both ways.
    let smoke = counts::measure(db.conn(), 1).await.unwrap();
    assert!(smoke.equal);
    assert_eq!(smoke.total_rows, plan.total_rows() as i64);

    let mut report = BenchReport::new(config);
    report.add_index(&index);
    report.add_global(&global);
    report.add_tenants(&tenants);
    report.add_overhead(&overhead);
    report.add_smoke(&smoke);
    let markdown = render_markdown(&report);
    for id in [
        "| 2 |", "| 3a |", "| 3b |", "| 4a |", "| 4b |", "| 5a |", "| 7 |",
    ] {
        assert!(markdown.contains(id), "{id} in:\n{markdown}");
    }
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["figures"].as_array().unwrap().len() >= 7);
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
