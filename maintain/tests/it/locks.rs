//! The maintainers' lock (`neonhub_locks.vector_maintain`): an application login holding every
//! advisory lock the tools ever used does not stall a run and may not take the lock itself; a
//! run that waits too long names the holder; the index sessions carry their settings in their
//! startup packet, and a URL that looks pooled still runs (without them).

use crate::vector_maintain::load_tenants;
use maintain::{MaintainError, RunOptions, run};
use std::time::{Duration, Instant};
use testkit::neonhub_db::{DbError, ToolLock, ToolLockName};
use testkit::{AppLogin, TestDb};

fn options() -> RunOptions {
    RunOptions {
        policy: entity::search::tenant_index::TenantIndexPolicy {
            index_above: 50,
            keep_above: 25,
            max_per_table: 8,
        },
        lock_wait: Duration::from_secs(10),
        ..RunOptions::default()
    }
}

#[tokio::test]
async fn an_application_login_cannot_hold_vector_maintain_hostage() {
    let db = TestDb::migrated().await;
    load_tenants(&db, &[0.6, 0.4], 200, 0, 5).await;
    let login = AppLogin::new(&db).await;
    let hostage = testkit::tool_locks::hold_former_advisory_locks(&login.conn).await;
    let started = Instant::now();
    let report = run(db.url(), &options(), |_| {})
        .await
        .expect("vector-maintain runs while the login holds every former lock");
    assert!(started.elapsed() < Duration::from_secs(120));
    assert!(
        report.done.iter().any(|d| !d.action.is_merge()),
        "{:?}",
        report.done
    );
    assert!(report.pending_after.is_empty());
    assert!(testkit::tool_locks::assert_tool_locks_refused(&login.conn).await >= 1);
    hostage.rollback().await.ok();
    login.drop_role().await;
}

#[tokio::test]
async fn a_maintainer_that_waits_too_long_names_the_holder() {
    let db = TestDb::migrated().await;
    let holder = ToolLock::acquire(
        db.url(),
        ToolLockName::VectorMaintain,
        Duration::from_secs(10),
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    let err = run(
        db.url(),
        &RunOptions {
            lock_wait: Duration::from_secs(1),
            ..options()
        },
        |_| {},
    )
    .await
    .expect_err("the lock is held");
    assert!(
        matches!(&err, MaintainError::Db(DbError::LockTimeout { lock, holder: Some(_), .. }) if lock == "vector_maintain"),
        "{err}"
    );
    let text = err.to_string();
    for needle in [
        "waited 1s for the vector_maintain lock (table neonhub_locks.vector_maintain)",
        "application 'vector-maintain pid ",
        "SELECT pg_terminate_backend(",
    ] {
        assert!(text.contains(needle), "expected {needle:?} in: {text}");
    }
    assert!(!text.contains("migrator or seeder"), "{text}");
    // A dry run plans without the lock.
    run(
        db.url(),
        &RunOptions {
            dry_run: true,
            ..options()
        },
        |_| {},
    )
    .await
    .expect("a dry run takes no lock");
    holder.release().await.unwrap();
}

#[tokio::test]
async fn index_sessions_carry_their_settings_and_a_pooled_url_still_runs() {
    let db = TestDb::migrated().await;
    load_tenants(&db, &[0.6, 0.4], 200, 0, 5).await;
    // The settings of a build's session (in its startup packet): the sized memory, no
    // statement timeout, the lock timeout, the parallel-scan threshold.
    let action = maintain::Action::Create {
        table: "chunks".into(),
        organization_id: uuid::Uuid::nil(),
        index: "chunks_org_hnsw_x".into(),
        rows: 1_000,
    };
    let settings =
        maintain::session_settings(&action, &maintain::ApplyOptions::default(), u64::MAX);
    let names: Vec<&str> = settings.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "lock_timeout",
            "statement_timeout",
            "maintenance_work_mem",
            "min_parallel_table_scan_size"
        ]
    );
    assert!(settings.contains(&("maintenance_work_mem", "131072kB".to_owned())));

    // Through a URL that looks pooled (pgbouncer=true: read by the client, not sent) the run
    // works, with the server's defaults for its builds.
    let pooled =
        testkit::neonhub_db::DatabaseUrl::parse(&format!("{}?pgbouncer=true", db.url().as_str()))
            .unwrap();
    let report = run(&pooled, &options(), |_| {}).await.unwrap();
    assert_eq!(
        report.done.iter().filter(|d| !d.action.is_merge()).count(),
        2,
        "{:?}",
        report.done
    );
}
