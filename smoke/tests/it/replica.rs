//! A hot standby of a local server (`scripts/pg-ha.sh replica-up`, a server of its own started
//! by the test): replication reaches it; the writers (migration runner, seeder, synthetic load,
//! vector-maintain) refuse it with the replica message; smoke counts and doctor work there and
//! doctor says it is a standby with its lag; tenant searches on the replica return the
//! primary's answer through the tenant index built on the primary, also as the application
//! login under row-level security.

use entity::search::tenant_index::{self, TenantIndexPolicy};
use entity::search::{SearchOptions, SearchStrategy, Target, explain, nearest_chunks};
use entity::tenant::with_tenant;
use migration::runner::{Action, RunOptions};
use neonhub_db::DatabaseUrl;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use seeder::synth::{LoadOptions, ProgressMode, SynthOptions, SynthPlan, load};
use std::time::{Duration, Instant};
use testkit::local_server::{LocalServer, free_port};
use testkit::text;

const TIMEOUT: Duration = Duration::from_secs(20);
const REPLICA: &str = "this is a read replica (in recovery): run it against the primary";

/// Wait until the standby has replayed everything the primary has written so far.
async fn caught_up(primary: &DatabaseConnection, replica: &DatabaseConnection) -> Duration {
    let started = Instant::now();
    let target = text(primary, "SELECT pg_current_wal_insert_lsn()::text").await;
    loop {
        let behind = text(
            replica,
            &format!("SELECT (pg_last_wal_replay_lsn() < '{target}'::pg_lsn)::text"),
        )
        .await;
        if behind == "false" {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the standby did not reach {target} in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn assert_replica_refusal(what: &str, err: &dyn std::fmt::Display) {
    let text = err.to_string();
    assert!(text.contains(REPLICA), "{what} on the replica: {text}");
}

#[tokio::test]
async fn a_read_replica_serves_reads_and_refuses_writers() {
    let _turn = crate::OWN_SERVERS.lock().await;
    let replica_port = free_port(55475..=55479);
    let primary = LocalServer::prepare("replica", 55470..=55474)
        .with("LOCAL_PG_REPLICA_PORT", &replica_port.to_string());
    let (url, db) = primary.migrated(2).await;
    seeder::seed(&db, &seeder::SeedOptions::default())
        .await
        .expect("seed the primary");
    let plan = SynthPlan::new(SynthOptions {
        orgs: 3,
        shares: vec![0.5, 0.3, 0.2],
        chunks: 300,
        messages: 100,
        centroids: 8,
        seed: 11,
        ..SynthOptions::default()
    })
    .expect("plan");
    let quiet = LoadOptions {
        progress: ProgressMode::Quiet,
        ..LoadOptions::default()
    };
    load(&db, &plan, &quiet).await.expect("synthetic data");
    let maintain_options = maintain::RunOptions {
        policy: TenantIndexPolicy {
            index_above: 100,
            keep_above: 50,
            max_per_table: 8,
        },
        ..maintain::RunOptions::default()
    };
    maintain::run(&url, &maintain_options, |_| {})
        .await
        .expect("tenant indexes on the primary");

    let replica_url =
        DatabaseUrl::parse(&primary.ha_ok(&[], &["replica-up"])).expect("replica URL");
    let replica = neonhub_db::connect(&replica_url, TIMEOUT, 2)
        .await
        .expect("replica");
    assert_eq!(
        text(&replica, "SELECT pg_is_in_recovery()::text").await,
        "true"
    );
    let env = std::fs::read_to_string(&primary.env_file).expect(".env");
    for name in ["DATABASE_READ_URL=", "DATABASE_APP_READ_URL="] {
        assert!(
            env.lines()
                .any(|l| l.starts_with(name) && l.ends_with(&format!(":{replica_port}/neonhub"))),
            "{name} of the replica in .env"
        );
    }

    // Replication reaches it: a write on the primary after the clone.
    let org0 = plan.tenants()[0].id;
    db.execute_unprepared(&format!(
        "UPDATE organizations SET name = 'renamed on the primary' WHERE id = '{org0}'"
    ))
    .await
    .expect("write on the primary");
    let lag = caught_up(&db, &replica).await;
    assert_eq!(
        text(
            &replica,
            &format!("SELECT name FROM organizations WHERE id = '{org0}'")
        )
        .await,
        "renamed on the primary"
    );
    eprintln!("replica caught up in {} ms", lag.as_millis());

    // Writers refuse, saying why, before taking a lock or writing anything.
    let err = migration::runner::run(
        &replica_url,
        &replica,
        Action::Up(None),
        &RunOptions::default(),
    )
    .await
    .expect_err("migration on a replica");
    assert_replica_refusal("migration up", &err);
    let err = migration::runner::run(
        &replica_url,
        &replica,
        Action::Down(1),
        &RunOptions::default(),
    )
    .await
    .expect_err("migration down on a replica");
    assert_replica_refusal("migration down", &err);
    let err = seeder::seed(&replica, &seeder::SeedOptions::default())
        .await
        .expect_err("seed on a replica");
    assert_replica_refusal("seeder", &err);
    let err = load(&replica, &plan, &quiet)
        .await
        .expect_err("synth on a replica");
    assert_replica_refusal("seeder synth", &err);
    let err = maintain::run(&replica_url, &maintain_options, |_| {})
        .await
        .expect_err("vector-maintain on a replica");
    assert_replica_refusal("vector-maintain", &err);
    // `migration status` reads only: it works there.
    let states = migration::state::read(&replica).await.expect("status");
    assert!(
        states
            .iter()
            .all(|m| m.status == migration::state::MigrationStatus::Applied)
    );

    // Readers: the same counts as the primary, doctor ready and saying what it is.
    let counts = |c: Vec<smoke::TableCount>| {
        c.into_iter()
            .map(|c| (c.table, c.rows, c.error))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        counts(smoke::count_tables(&replica).await),
        counts(smoke::count_tables(&db).await)
    );
    let report = smoke::doctor(Some(&replica_url), TIMEOUT).await;
    assert!(report.ready(), "{}", report.to_markdown());
    let role = report.check("Replication").expect("replication check");
    assert!(
        role.summary
            .contains("read replica (hot standby, in recovery)")
            && role.summary.contains("replay lag"),
        "{}",
        role.summary
    );
    let on_primary = smoke::doctor(Some(&url), TIMEOUT).await;
    let role = on_primary.check("Replication").expect("replication check");
    assert!(
        role.summary.starts_with("primary; 1 standby(s) streaming"),
        "{}",
        role.summary
    );

    // Search: the replica answers as the primary does, through the primary's tenant index.
    let query = pgvector::Vector::from(plan.queries(1).remove(0));
    let hnsw = SearchOptions::default().strategy(SearchStrategy::Hnsw);
    let ids = |r: entity::search::SearchResults<entity::chunks::Model>| {
        r.neighbors.iter().map(|n| n.model.id).collect::<Vec<_>>()
    };
    let on_primary = nearest_chunks(&db, org0, None, &query, &hnsw)
        .await
        .expect("search on the primary");
    let on_replica = nearest_chunks(&replica, org0, None, &query, &hnsw)
        .await
        .expect("search on the replica");
    assert_eq!(on_replica.neighbors.len(), 10);
    assert_eq!(ids(on_replica), ids(on_primary));
    let index = tenant_index::index_name("chunks", org0);
    let explained = explain(
        &replica,
        org0,
        Target::Chunks { dataset_id: None },
        &query,
        &hnsw,
    )
    .await
    .expect("explain on the replica");
    assert!(
        explained
            .plan
            .contains(&format!("Index Scan using {index} ")),
        "{}",
        explained.plan
    );

    // The API's ticket key, installed on the primary, reaches the replica: contexts are entered
    // there by the same definer functions (they read, and sign with the replicated key).
    let key = entity::tenant::TicketKey::generate("replica").expect("a key");
    entity::tenant::TicketKeys::new([key.clone()])
        .expect("one key")
        .install(&db)
        .await
        .expect("install the ticket key");
    let deadline = std::time::Instant::now() + TIMEOUT;
    while text(
        &replica,
        "SELECT count(*)::text FROM neonhub_private.ticket_keys WHERE key_id = 'replica'",
    )
    .await
        != "1"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the key never reached the replica"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The application login on the replica, tenant entered, under row-level security.
    let app_url = DatabaseUrl::resolve_var(
        Some(
            env.lines()
                .find_map(|l| l.strip_prefix("DATABASE_APP_READ_URL="))
                .expect("DATABASE_APP_READ_URL in .env"),
        ),
        "DATABASE_APP_READ_URL",
    )
    .expect("app read URL");
    let app = neonhub_db::connect(&app_url, TIMEOUT, 1)
        .await
        .expect("the application login on the replica");
    let found = with_tenant(&app, &key.worker(org0), |txn| {
        let query = query.clone();
        Box::pin(async move {
            nearest_chunks(txn, org0, None, &query, &hnsw)
                .await
                .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))
        })
    })
    .await
    .expect("search as the application login on the replica");
    assert_eq!(found.neighbors.len(), 10);
    assert!(
        found
            .neighbors
            .iter()
            .all(|n| n.model.organization_id == org0)
    );
    // The same login naming another tenant's id on the replica: row-level security holds there
    // too (nothing of the other tenant, not even a count).
    let org1 = plan.tenants()[1].id;
    let (stolen, counted) = with_tenant(&app, &key.worker(org0), |txn| {
        let query = query.clone();
        Box::pin(async move {
            let found = nearest_chunks(txn, org1, None, &query, &hnsw)
                .await
                .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
            let counted = testkit::text(
                txn,
                &format!("SELECT count(*)::text FROM chunks WHERE organization_id = '{org1}'"),
            )
            .await;
            Ok((found.neighbors.len(), counted))
        })
    })
    .await
    .expect("another tenant's id on the replica");
    assert_eq!((stolen, counted.as_str()), (0, "0"));

    drop(app);
    drop(replica);
    primary.ha_ok(&[], &["replica-down"]);
    let env = std::fs::read_to_string(&primary.env_file).expect(".env");
    assert!(!env.contains("DATABASE_READ_URL"), "{env}");
    assert_eq!(
        text(&db, "SELECT count(*)::text FROM pg_replication_slots").await,
        "0"
    );
}
