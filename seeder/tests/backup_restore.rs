//! Backup and restore round trip with the project's own commands (`scripts/db-backup.sh`, what
//! `make backup` / `make restore` run): seed, record per-table counts and row checksums, back
//! up, drop and recreate the database, restore, compare: identical.

mod common;

use sea_orm::ConnectionTrait;
use std::process::Command;
use testkit::TestDb;

fn script(db: &TestDb, args: &[&str], backup_dir: &std::path::Path) -> std::process::Output {
    Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/db-backup.sh"
    ))
    .args(args)
    .env("DATABASE_URL", db.url().as_str())
    .env("BACKUP_DIR", backup_dir)
    .env("YES", "1")
    .output()
    .expect("run db-backup.sh")
}

#[tokio::test]
async fn seed_backup_drop_restore_gives_identical_data() {
    let db = TestDb::migrated().await;
    seeder::seed(db.conn(), &seeder::SeedOptions::default())
        .await
        .unwrap();
    let before = common::snapshot(db.conn()).await;
    let schema_before = db.catalog().await.render();

    let dir = std::env::temp_dir().join(format!("neonhub-backup-{}", db.name()));
    let out = script(&db, &["backup"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        file.ends_with(".dump") && file.contains(db.name()),
        "{file}"
    );

    // Drop and recreate the database (from another database of the server).
    let admin = testkit::neonhub_db::connect(
        &db.url().with_database("postgres"),
        std::time::Duration::from_secs(10),
        1,
    )
    .await
    .unwrap();
    db.conn().close_by_ref().await.ok();
    admin
        .execute_unprepared(&format!("DROP DATABASE \"{}\" WITH (FORCE)", db.name()))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{}\"", db.name()))
        .await
        .unwrap();

    let out = script(&db, &["restore", &file], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let restored = testkit::neonhub_db::connect(db.url(), std::time::Duration::from_secs(10), 2)
        .await
        .unwrap();
    assert_eq!(
        common::snapshot(&restored).await,
        before,
        "rows differ after restore"
    );
    let schema_after = testkit::neonhub_db::catalog::Catalog::read(&restored)
        .await
        .unwrap()
        .render();
    assert_eq!(schema_after, schema_before, "schema differs after restore");
    restored.close().await.ok();

    // A file that is not a dump is refused before anything is touched.
    let bogus = dir.join("bogus.dump");
    std::fs::write(&bogus, b"not a dump").unwrap();
    let out = script(&db, &["restore", bogus.to_str().unwrap()], &dir);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid pg_dump"));
    std::fs::remove_dir_all(&dir).ok();
}
