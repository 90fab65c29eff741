//! Point-in-time recovery of a local server (`scripts/pg-ha.sh`, a server of its own started by
//! the test, WAL archiving on): rows written, the time noted, more rows written; a restore to
//! that time (into a new data directory on another port, the primary untouched) holds exactly
//! the first rows with the schema and the migration state intact; a named restore point the
//! same; a time before the base backup ended, or past the archive, fails saying so.

use neonhub_db::{DatabaseUrl, catalog::Catalog};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::time::Duration;
use testkit::local_server::{LocalServer, free_port};
use testkit::text;

const TIMEOUT: Duration = Duration::from_secs(20);

/// Organizations `pitr-<batch>-<i>`, one transaction per batch.
async fn write_batch(db: &DatabaseConnection, batch: &str) {
    db.execute_unprepared(&format!(
        "INSERT INTO organizations (slug, name) \
         SELECT 'pitr-{batch}-' || i, 'batch {batch}' FROM generate_series(1, 25) AS i"
    ))
    .await
    .expect("write a batch");
}

async fn batches(db: &DatabaseConnection) -> String {
    text(
        db,
        "SELECT coalesce(string_agg(DISTINCT name, ',' ORDER BY name), '') || ' / ' || count(*) \
         FROM organizations WHERE slug LIKE 'pitr-%'",
    )
    .await
}

async fn connect(url: &str) -> DatabaseConnection {
    let url = DatabaseUrl::parse(url).expect("URL");
    neonhub_db::connect(&url, TIMEOUT, 1)
        .await
        .expect("connect")
}

#[tokio::test]
async fn a_restore_to_a_time_holds_exactly_what_was_committed_before_it() {
    let _turn = crate::OWN_SERVERS.lock().await;
    let restore_port = free_port(55485..=55489);
    let primary = LocalServer::prepare("pitr", 55480..=55484)
        .with("LOCAL_PG_ARCHIVE", "1")
        .with("LOCAL_PG_RESTORE_PORT", &restore_port.to_string());
    let (url, db) = primary.migrated(1).await;
    let before_backup = text(
        &db,
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
    )
    .await;

    let backup = primary.ha_ok(&[], &["base-backup"]);
    assert!(backup.contains("verified"), "{backup}");

    write_batch(&db, "a").await;
    let time = text(
        &db,
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    write_batch(&db, "b").await;
    let point = primary.ha_ok(&[], &["restore-point", "after-b"]);
    assert!(point.starts_with("restore point 'after-b' at "), "{point}");
    write_batch(&db, "c").await;
    let catalog = Catalog::read(&db).await.expect("catalog").render();

    // To the time: batch a only, the schema and migrations as they were.
    let restored_url = primary.ha_ok(&[("TIME", &time)], &["restore-pitr"]);
    assert!(
        restored_url.ends_with(&format!(":{restore_port}/neonhub")),
        "{restored_url}"
    );
    let restored = connect(&restored_url).await;
    assert_eq!(batches(&restored).await, "batch a / 25");
    assert_eq!(
        text(&restored, "SELECT pg_is_in_recovery()::text").await,
        "false",
        "promoted at the target"
    );
    assert_eq!(
        Catalog::read(&restored).await.expect("catalog").render(),
        catalog
    );
    let states = migration::state::read(&restored).await.expect("state");
    assert!(
        !states.is_empty()
            && states
                .iter()
                .all(|m| m.status == migration::state::MigrationStatus::Applied)
    );
    let report = smoke::doctor(
        Some(&DatabaseUrl::parse(&restored_url).expect("URL")),
        TIMEOUT,
    )
    .await;
    assert!(report.ready(), "{}", report.to_markdown());
    // The restored server does not archive into the primary's archive; the primary does.
    let replication = |r: &smoke::Report| r.check("Replication").expect("check").summary.clone();
    assert!(
        replication(&report).contains("WAL archiving off"),
        "{}",
        replication(&report)
    );
    let on_primary = smoke::doctor(Some(&url), TIMEOUT).await;
    assert!(
        replication(&on_primary).contains("WAL archiving on, last segment"),
        "{}",
        replication(&on_primary)
    );
    drop(restored);
    // The primary was not touched.
    assert_eq!(batches(&db).await, "batch a,batch b,batch c / 75");
    primary.ha_ok(&[], &["restore-down"]);

    // To the named restore point: batches a and b.
    let restored = connect(&primary.ha_ok(&[("NAME", "after-b")], &["restore-pitr"])).await;
    assert_eq!(batches(&restored).await, "batch a,batch b / 50");
    drop(restored);
    primary.ha_ok(&[], &["restore-down"]);

    // Before the base backup ended: refused, nothing left behind.
    let out = primary.ha_with(&[("TIME", &before_backup)], &["restore-pitr"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("no base backup ends before time")
            && stderr
                .contains("a point-in-time restore reaches only points after a base backup ended"),
        "{stderr}"
    );
    // Past the archive: refused.
    let out = primary.ha_with(&[("TIME", "2999-01-01T00:00:00Z")], &["restore-pitr"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("the WAL archive ends before time 2999-01-01T00:00:00Z"),
        "{stderr}"
    );
    assert!(
        !primary.base.join("restores-16").exists()
            || std::fs::read_dir(primary.base.join("restores-16"))
                .expect("restores")
                .filter_map(Result::ok)
                .all(|e| e.path().extension().is_some_and(|x| x == "log")),
        "a failed restore leaves no data directory"
    );
}
