//! Synthetic data at scale (`seeder::synth`, `seeder synth`): deterministic for a seed,
//! tenants of unequal size, clustered unit vectors; loaded with binary COPY exactly as
//! planned, HNSW indexes back as they were, atomic, refused twice unless replaced.

use crate::common;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use seeder::synth::{
    IndexMode, LoadOptions, ProgressMode, SynthError, SynthOptions, SynthPlan, SynthReport,
    SynthTable, load,
};
use testkit::DatabaseUrlArg;
use testkit::TestDb;

fn small_options(seed: u64) -> SynthOptions {
    SynthOptions {
        orgs: 4,
        chunks: 600,
        messages: 90,
        seed,
        centroids: 16,
        ..SynthOptions::default()
    }
}

fn quiet() -> LoadOptions {
    LoadOptions {
        batch_rows: 250,
        progress: ProgressMode::Quiet,
        ..LoadOptions::default()
    }
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| f64::from(x) * f64::from(y))
        .sum()
}

#[test]
fn plan_is_deterministic_unequal_and_clustered() {
    let plan = SynthPlan::new(SynthOptions {
        chunks: 100_000,
        ..small_options(7)
    })
    .unwrap();
    let again = SynthPlan::new(SynthOptions {
        chunks: 100_000,
        ..small_options(7)
    })
    .unwrap();
    let other = SynthPlan::new(SynthOptions {
        chunks: 100_000,
        ..small_options(8)
    })
    .unwrap();
    assert_eq!(
        plan.encode(SynthTable::Chunks, 500..503),
        again.encode(SynthTable::Chunks, 500..503)
    );
    assert_ne!(
        plan.encode(SynthTable::Chunks, 500..503),
        other.encode(SynthTable::Chunks, 500..503)
    );
    assert_eq!(
        plan.id(SynthTable::Chunks, 9),
        again.id(SynthTable::Chunks, 9)
    );
    assert_ne!(
        plan.id(SynthTable::Chunks, 9),
        other.id(SynthTable::Chunks, 9)
    );

    // One tenant holds 1% of the rows; the others are unequal.
    let small = plan.small_tenant().unwrap();
    assert_eq!(small.chunks, 1_000);
    let sizes: Vec<usize> = plan.tenants().iter().map(|t| t.chunks).collect();
    assert_eq!(sizes.iter().sum::<usize>(), 100_000);
    assert!(sizes[1] > sizes[2] && sizes[2] > sizes[3], "{sizes:?}");
    assert_eq!(plan.largest_tenant().index, 1);

    // Unit vectors, closer within a cluster than across clusters.
    let (a, ca) = plan.embedding(SynthTable::Chunks, 1);
    assert!((dot(&a, &a) - 1.0).abs() < 1e-5);
    let mut same = Vec::new();
    let mut different = Vec::new();
    for i in 2..400 {
        let (b, cb) = plan.embedding(SynthTable::Chunks, i);
        if cb == ca {
            same.push(dot(&a, &b));
        } else {
            different.push(dot(&a, &b));
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(!same.is_empty() && !different.is_empty());
    assert!(mean(&same) > 0.35, "same cluster: {}", mean(&same));
    assert!(
        mean(&different).abs() < 0.05,
        "other clusters: {}",
        mean(&different)
    );
    // Queries are new samples of the same clusters.
    assert_eq!(plan.queries(3), again.queries(3));
}

async fn hnsw_definitions(db: &DatabaseConnection) -> Vec<String> {
    db.query_all_raw(Statement::from_string(
        DbBackend::Postgres,
        "SELECT indexdef FROM pg_indexes WHERE indexdef LIKE '% USING hnsw %' ORDER BY 1",
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get_by_index(0).unwrap())
    .collect()
}

#[tokio::test]
async fn load_writes_the_plan_and_restores_the_indexes() {
    let db = TestDb::migrated().await;
    let conn = db.conn();
    let indexes_before = hnsw_definitions(conn).await;
    assert_eq!(indexes_before.len(), 3);
    let plan = SynthPlan::new(small_options(11)).unwrap();
    let report = load(conn, &plan, &quiet()).await.unwrap();

    assert_eq!(report.rows, plan.total_rows() as u64);
    assert_eq!(report.index_mode, IndexMode::Rebuild);
    assert_eq!(report.dropped_indexes.len(), 3);
    for table in SynthTable::ALL {
        let n = testkit::int(conn, &format!("SELECT count(*) FROM {}", table.name())).await;
        assert_eq!(n as usize, plan.rows(table), "{}", table.name());
        let line = report
            .tables
            .iter()
            .find(|t| t.table == table.name())
            .unwrap();
        assert_eq!(line.rows as usize, plan.rows(table));
    }
    assert_eq!(hnsw_definitions(conn).await, indexes_before);
    // The build leaves no storage parameter behind (its parallel setting is SET LOCAL).
    assert_eq!(
        testkit::int(
            conn,
            "SELECT count(*) FROM pg_class WHERE reloptions::text LIKE '%parallel_workers%'"
        )
        .await,
        0
    );

    // Row by row as planned: tenants, ids and vectors (the binary format is exact).
    for tenant in plan.tenants() {
        let n = testkit::int(
            conn,
            &format!(
                "SELECT count(*) FROM chunks WHERE organization_id = '{}'",
                tenant.id
            ),
        )
        .await;
        assert_eq!(n as usize, tenant.chunks, "{}", tenant.slug);
    }
    let i = 321;
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT embedding, vector_dims(embedding) AS dims FROM chunks WHERE id = $1",
            [plan.id(SynthTable::Chunks, i).into()],
        ))
        .await
        .unwrap()
        .expect("chunk 321 exists under its planned id");
    let stored: sea_orm::prelude::PgVector = row.try_get("", "embedding").unwrap();
    assert_eq!(stored.to_vec(), plan.embedding(SynthTable::Chunks, i).0);
    assert_eq!(row.try_get::<i32>("", "dims").unwrap(), 1536);
    // Users and assistants alternate within each conversation.
    let assistants: usize = plan
        .tenants()
        .iter()
        .map(|t| (0..t.messages).filter(|m| m % 20 % 2 == 1).count())
        .sum();
    assert_eq!(
        testkit::int(
            conn,
            "SELECT count(*) FROM messages WHERE role = 'assistant'"
        )
        .await,
        assistants as i64
    );

    // A second load of the same seed is refused, and replaces the first when asked.
    let err = load(conn, &plan, &quiet()).await.unwrap_err();
    assert!(
        matches!(err, SynthError::AlreadyLoaded { seed: 11, orgs: 4 }),
        "{err}"
    );
    assert!(err.to_string().contains("--replace"), "{err}");
    let replaced = load(
        conn,
        &plan,
        &LoadOptions {
            replace: true,
            ..quiet()
        },
    )
    .await
    .unwrap();
    assert_eq!(replaced.replaced_orgs, 4);
    assert_eq!(testkit::int(conn, "SELECT count(*) FROM chunks").await, 600);
    // Another seed sits beside it.
    load(conn, &SynthPlan::new(small_options(12)).unwrap(), &quiet())
        .await
        .unwrap();
    assert_eq!(
        testkit::int(conn, "SELECT count(*) FROM chunks").await,
        1_200
    );
}

#[tokio::test]
async fn a_failed_load_leaves_nothing_behind() {
    let db = TestDb::migrated().await;
    let conn = db.conn();
    let plan = SynthPlan::new(small_options(13)).unwrap();
    // A user already holds the e-mail of the third tenant's owner: the COPY into users fails.
    conn.execute_unprepared(
        "INSERT INTO users (email) VALUES ('synth-13-002@synthetic.neonhub.invalid')",
    )
    .await
    .unwrap();
    let err = load(conn, &plan, &quiet()).await.unwrap_err();
    assert!(
        matches!(err, SynthError::Copy { table: "users", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("rolled back"), "{err}");
    assert_eq!(
        testkit::int(conn, "SELECT count(*) FROM organizations").await,
        0
    );
    assert_eq!(
        hnsw_definitions(conn).await.len(),
        3,
        "indexes dropped in the transaction come back"
    );
}

#[tokio::test]
async fn cli_synth_loads_and_reports() {
    let db = TestDb::migrated().await;
    let url = db.url().as_str();
    let out = common::run_seeder(
        url,
        &[
            "synth",
            "--orgs",
            "3",
            "--chunks",
            "300",
            "--messages",
            "40",
            "--seed",
            "5",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let report: SynthReport = serde_json::from_slice(&out.stdout).expect("--json parses");
    assert_eq!(report.seed, 5);
    assert_eq!(
        report
            .tables
            .iter()
            .find(|t| t.table == "chunks")
            .unwrap()
            .rows,
        300
    );
    // Not a terminal: plain log lines on stderr, no progress bar.
    let stderr = common::stderr(&out);
    assert!(stderr.contains("synth: chunks done: 300 rows"), "{stderr}");
    assert!(!stderr.contains('\r'), "{stderr}");

    // The global flag also works after the subcommand; a second run is refused.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_seeder"))
        .args(["synth", "--chunks", "300", "--orgs", "3", "--seed", "5"])
        .database_url(url)
        .env_remove("DATABASE_URL")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = common::stderr(&out);
    assert!(stderr.contains("already loaded"), "{stderr}");
    assert!(!stderr.contains("password"), "{stderr}");

    // The default command is still the fixture seed.
    let out = common::run_seeder(url, &["--json"]).await;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let seeded: seeder::SeedReport = serde_json::from_slice(&out.stdout).unwrap();
    assert!(seeded.created > 0);
}
