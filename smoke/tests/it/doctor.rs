//! `doctor` passes every required check on a migrated and seeded database, and names the
//! problem when a migration is pending or an HNSW index is missing; tenant HNSW indexes are
//! not schema drift, and a due `vector-maintain` is a warning; so are more rows waiting outside
//! the HNSW graphs than searches should scan exactly, and an overdue retention purge, until
//! `vector-maintain` / `lifecycle purge` has run. The HNSW graphs are measured against
//! `shared_buffers` as the server reports them.

use migration::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;
use smoke::Status;
use std::process::Command;
use std::time::Duration;
use testkit::DatabaseUrlArg;
use testkit::TestDb;

async fn report(db: &TestDb) -> smoke::Report {
    smoke::doctor(Some(db.url()), Duration::from_secs(10)).await
}

#[tokio::test]
async fn migrated_and_seeded_database_is_ready() {
    let db = TestDb::migrated().await;
    seeder::seed(db.conn(), &seeder::SeedOptions::default())
        .await
        .expect("seed");
    let r = report(&db).await;
    let md = r.to_markdown();
    assert!(r.ready(), "{md}");
    for name in [
        "DATABASE_URL",
        "Extensions",
        "Migrations",
        "Schema",
        "Indexes",
        "Tenant vector indexes",
        "Vector graph backlog",
        "Vector graphs in cache",
        "Seed",
        "Connector catalogue",
        "Retention",
    ] {
        assert_eq!(
            r.check(name).map(|c| c.status),
            Some(Status::Pass),
            "{name}:\n{md}"
        );
    }
    assert!(md.contains("✅"));
    assert!(!md.contains("❌"), "{md}");
    // The graphs are read from the server: the table's graphs are among them, measured.
    let cache = r.check("Vector graphs in cache").unwrap();
    assert!(
        cache
            .details
            .iter()
            .any(|d| d.starts_with("chunks_embedding_hnsw_idx: ") && d.ends_with(" MB")),
        "{md}"
    );
    assert!(cache.summary.contains("within shared_buffers ("), "{md}");

    // The binary agrees, and writes the report where asked.
    let file = std::env::temp_dir().join(format!("{}.md", db.name()));
    let out = Command::new(env!("CARGO_BIN_EXE_smoke"))
        .database_url(db.url().as_str())
        .args(["doctor", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_file(&file).ok();
    assert!(written.starts_with("# NeonHub database readiness"));
}

#[tokio::test]
async fn unreachable_server_fails_without_leaking_the_password() {
    let out = Command::new(env!("CARGO_BIN_EXE_smoke"))
        .args([
            "--database-url",
            "postgres://neon:hunter2@127.0.0.1:9/nowhere",
            "--connect-timeout",
            "3",
            "doctor",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("127.0.0.1:9"), "{all}");
    assert!(!all.contains("hunter2"), "{all}");
}

#[tokio::test]
async fn empty_database_only_warns_about_the_seed() {
    let db = TestDb::migrated().await;
    let r = report(&db).await;
    assert!(r.ready(), "{}", r.to_markdown());
    assert_eq!(r.check("Seed").unwrap().status, Status::Warn);
    assert_eq!(r.check("Connector catalogue").unwrap().status, Status::Warn);
}

#[tokio::test]
async fn pending_migration_is_named_and_fails() {
    let db = TestDb::migrated().await;
    Migrator::down(db.conn(), Some(1)).await.unwrap();
    let last = Migrator::migrations().last().unwrap().name().to_owned();
    let r = report(&db).await;
    assert!(!r.ready());
    let m = r.check("Migrations").unwrap();
    assert_eq!(m.status, Status::Fail);
    assert!(m.summary.contains(&last), "{}", m.summary);

    let out = Command::new(env!("CARGO_BIN_EXE_smoke"))
        .database_url(db.url().as_str())
        .arg("doctor")
        .output()
        .unwrap();
    assert!(!out.status.success(), "doctor must exit non-zero");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&last));
}

#[tokio::test]
async fn dropped_hnsw_index_is_named() {
    let db = TestDb::migrated().await;
    db.conn()
        .execute_unprepared("DROP INDEX chunks_embedding_hnsw_idx")
        .await
        .unwrap();
    let r = report(&db).await;
    assert!(!r.ready());
    let idx = r.check("Indexes").unwrap();
    assert_eq!(idx.status, Status::Fail);
    let details = idx.details.join("\n");
    assert!(
        details.contains("no HNSW (halfvec_cosine_ops) index on chunks.embedding"),
        "{details}"
    );
    assert!(details.contains("chunks_embedding_hnsw_idx"), "{details}");
}

#[tokio::test]
async fn tenant_indexes_are_not_drift_and_a_due_maintenance_warns() {
    let db = TestDb::migrated().await;
    seeder::seed(db.conn(), &seeder::SeedOptions::default())
        .await
        .expect("seed");
    // A tenant index for the seeded organization, which is far too small to need one.
    let org: uuid::Uuid = db
        .conn()
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT id FROM organizations WHERE slug = 'neonhub'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    let index = entity::search::tenant_index::index_name("chunks", org);
    db.conn()
        .execute_unprepared(&entity::search::tenant_index::create_sql("chunks", org))
        .await
        .unwrap();
    let r = report(&db).await;
    let md = r.to_markdown();
    assert!(r.ready(), "{md}");
    assert_eq!(
        r.check("Schema").map(|c| c.status),
        Some(Status::Pass),
        "{md}"
    );
    assert_eq!(
        r.check("Indexes").map(|c| c.status),
        Some(Status::Pass),
        "{md}"
    );
    let tenant = r.check("Tenant vector indexes").unwrap();
    assert_eq!(tenant.status, Status::Warn, "{md}");
    assert!(
        tenant.summary.contains("run `make vector-maintain`"),
        "{md}"
    );
    assert!(
        tenant
            .details
            .iter()
            .any(|d| d.starts_with(&format!("drop {index}"))),
        "{md}"
    );
}

#[tokio::test]
async fn edited_applied_migration_fails_as_migration_status_does() {
    // The readiness report is never greener than `migration status`.
    let db = TestDb::migrated().await;
    // The runner records the checksums of the applied migrations (the template has none yet).
    migration::runner::run(
        db.url(),
        db.conn(),
        migration::runner::Action::Up(None),
        &migration::runner::RunOptions::default(),
    )
    .await
    .expect("checksums recorded");
    let edited = "m20261125_000400_brand";
    db.pretend_edited(edited).await;
    let r = report(&db).await;
    assert!(!r.ready(), "{}", r.to_markdown());
    let m = r.check("Migrations").unwrap();
    assert_eq!(m.status, Status::Fail, "{}", r.to_markdown());
    assert!(
        m.summary.contains(edited) && m.summary.contains("--accept-changed"),
        "{}",
        m.summary
    );
    assert!(
        m.details
            .iter()
            .any(|d| d.contains(edited) && d.contains("changed since applied")),
        "{:?}",
        m.details
    );

    let status = Command::new(env!("CARGO_BIN_EXE_smoke"))
        .database_url(db.url().as_str())
        .arg("doctor")
        .output()
        .unwrap();
    assert!(!status.status.success(), "doctor must exit non-zero");
}

#[tokio::test]
async fn rows_past_their_retention_window_warn_until_purged() {
    let db = TestDb::migrated().await;
    db.conn()
        .execute_unprepared(
            "INSERT INTO metric_events (type, meta, created_at) \
             SELECT 'old', '{}', now() - interval '14 months' FROM generate_series(1, 4)",
        )
        .await
        .unwrap();
    let r = report(&db).await;
    let retention = r.check("Retention").unwrap();
    assert_eq!(retention.status, Status::Warn, "{}", retention.summary);
    assert!(retention.summary.contains("run `make purge`"));
    assert_eq!(
        retention.details,
        ["metric_events: 4 rows past the window".to_owned()]
    );
    lifecycle::purge(
        db.conn(),
        &lifecycle::Policy::builtin(),
        &lifecycle::PurgeOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        report(&db).await.check("Retention").map(|c| c.status),
        Some(Status::Pass)
    );
}

#[tokio::test]
async fn a_long_backlog_outside_the_graph_warns_until_merged() {
    let db = TestDb::migrated().await;
    let waiting = smoke::WAITING_WARN + 1;
    testkit::conversation_with_messages(db.conn(), waiting).await;
    let r = report(&db).await;
    let check = r.check("Vector graph backlog").unwrap();
    assert_eq!(check.status, Status::Warn, "{}", r.to_markdown());
    assert!(
        check.summary.contains(&format!("{waiting} rows wait")),
        "{}",
        check.summary
    );
    assert!(
        check.summary.contains("make vector-maintain"),
        "{}",
        check.summary
    );
    assert!(r.ready(), "a warning, not a failure");
    maintain::run(db.url(), &maintain::RunOptions::default(), |_| {})
        .await
        .unwrap();
    let r = report(&db).await;
    assert_eq!(
        r.check("Vector graph backlog").map(|c| c.status),
        Some(Status::Pass),
        "{}",
        r.to_markdown()
    );
}

/// The tenant context's check: no ticket key installed and temporary tables for PUBLIC (a
/// database copied without the migration's REVOKE) are named with their fix.
#[tokio::test]
async fn the_tenant_context_check_names_missing_keys_and_temporary_tables() {
    let db = TestDb::migrated().await;
    let r = report(&db).await;
    let check = r.check("Tenant context").expect("the check");
    assert_eq!(check.status, Status::Warn, "{}", r.to_markdown());
    assert!(
        check.summary.contains("make ticket-keys"),
        "{}",
        check.summary
    );
    assert!(!check.summary.contains("TEMPORARY"), "{}", check.summary);
    let key = entity::tenant::TicketKey::generate("doctor").unwrap();
    entity::tenant::TicketKeys::new([key])
        .unwrap()
        .install(db.conn())
        .await
        .unwrap();
    let r = report(&db).await;
    assert_eq!(
        r.check("Tenant context").map(|c| c.status),
        Some(Status::Pass),
        "{}",
        r.to_markdown()
    );
    db.conn()
        .execute_unprepared(&format!(
            "GRANT TEMPORARY ON DATABASE \"{}\" TO PUBLIC",
            db.name()
        ))
        .await
        .unwrap();
    let r = report(&db).await;
    let check = r.check("Tenant context").unwrap();
    assert_eq!(check.status, Status::Warn);
    assert!(
        check.summary.contains(&format!(
            "REVOKE TEMPORARY ON DATABASE \"{}\" FROM PUBLIC",
            db.name()
        )),
        "{}",
        check.summary
    );
}
