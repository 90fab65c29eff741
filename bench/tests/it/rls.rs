//! Figures 8a–8d on a small configuration (20,000 campaign metrics, pgbench 2 s with 2
//! clients), checking correctness only, never a timing: the figures exist, the application
//! login and the owner see the same rows, the application's plans use the tenant index, the
//! pgbench mix ran with no failed transaction, and no message landed in another tenant.

use bench::{BenchConfig, PgTools, Server, rls};
use std::time::Duration;

#[tokio::test]
async fn isolation_figures_are_correct() {
    let Some(tools) = PgTools::find(None) else {
        panic!("psql/pgbench not found: run `make db-up` (or set PG_BIN_DIR)");
    };
    let server = Server::new(testkit::server_url(), Duration::from_secs(30));
    let config = BenchConfig {
        database: format!("neonhub_test_bench_{}", uuid::Uuid::now_v7().simple()),
        rls_rows: 20_000,
        pgbench_clients: 2,
        pgbench_seconds: 2,
        ..BenchConfig::default()
    };
    let log = |line: &str| eprintln!("bench: {line}");
    let result = rls::measure(&server, &config, &tools, &log).await.unwrap();

    let expected = [10_000, 2_000, 200];
    for ((share, pair), rows) in result.counts.iter().zip(expected) {
        assert_eq!(pair.app_rows, pair.owner_rows, "the {share} tenant");
        assert_eq!(
            pair.owner_rows, rows,
            "the tenant of {share} holds {rows} rows"
        );
    }
    assert_eq!((result.latest.app_rows, result.latest.owner_rows), (50, 50));
    for plan in result
        .counts
        .iter()
        .map(|(_, pair)| &pair.app_plan)
        .chain([&result.latest.app_plan])
    {
        assert!(
            plan.contains("campaign_metrics_organization_id_id_key"),
            "the application's read does not use the tenant index: {plan}"
        );
        assert!(!plan.contains("Seq Scan"), "{plan}");
    }
    assert!(result.app_mix.transactions > 0 && result.owner_mix.transactions > 0);
    assert_eq!((result.app_mix.failed, result.owner_mix.failed), (0, 0));
    assert_eq!(result.cross_tenant_rows, 0);
    let e = &result.enter;
    assert!(
        e.with_tenant_us > 0.0 && e.plain_us > 0.0 && e.server_us > 0.0,
        "{e:?}"
    );

    let mut report = bench::BenchReport::new(config.clone());
    report.add_rls(&result);
    let ids: Vec<_> = report.figures.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["8a-50%", "8a-10%", "8a-1%", "8b", "8d", "8c"]);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

#[tokio::test]
async fn the_logins_of_killed_benches_are_dropped_and_live_ones_kept() {
    use sea_orm::ConnectionTrait;
    let db = testkit::TestDb::migrated().await;
    let suffix = || uuid::Uuid::now_v7().simple().to_string()[20..].to_owned();
    // A bench killed mid-run left its login, a member of neonhub_app with a grant here.
    let stale = format!("{}{}", rls::LOGIN_PREFIX, suffix());
    // A bench running now: its login has a session.
    let live = format!("{}{}", rls::LOGIN_PREFIX, suffix());
    let password = uuid::Uuid::now_v7().simple().to_string();
    for role in [&stale, &live] {
        db.conn()
            .execute_unprepared(&format!(
                "CREATE ROLE {role} LOGIN PASSWORD '{password}'; GRANT neonhub_app TO {role}; \
                 GRANT SELECT ON organizations TO {role}"
            ))
            .await
            .unwrap();
    }
    let session = testkit::neonhub_db::connect(
        &db.url().with_credentials(&live, Some(&password)),
        Duration::from_secs(10),
        1,
    )
    .await
    .unwrap();
    let lines = rls::drop_stale_logins(db.conn()).await.unwrap();
    let exists = |role: String| {
        let db = db.conn().clone();
        async move {
            testkit::int(
                &db,
                &format!("SELECT count(*) FROM pg_roles WHERE rolname = '{role}'"),
            )
            .await
        }
    };
    assert_eq!(exists(stale.clone()).await, 0, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("dropped {stale}"))),
        "{lines:?}"
    );
    assert_eq!(
        exists(live.clone()).await,
        1,
        "a running bench keeps its login"
    );
    session.close().await.ok();
    db.conn()
        .execute_unprepared(&format!("DROP OWNED BY {live}; DROP ROLE {live}"))
        .await
        .unwrap();
}
