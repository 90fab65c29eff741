//! Backup and restore round trip with the project's own commands (`scripts/db-backup.sh`, what
//! `make backup` / `make restore` run): seed, record per-table counts and row checksums, back
//! up (encrypted with age by this crate's `neonhub-age`: no age CLI needed), drop and recreate
//! the database, restore, compare: identical. When the age CLI is installed, the files also
//! cross over: the CLI decrypts ours, and the restore reads one the CLI encrypted.
//!
//! And what another user of the machine could see: `pg_dump` and `pg_restore` are wrappers on
//! `PATH` that record their arguments (what `ps` shows) before running the real tools: the
//! password is in none of them. The dump is 0600 in a 0700 folder, only its encrypted form is
//! kept.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use testkit::TestDb;

fn script(
    db: &TestDb,
    args: &[&str],
    backup_dir: &Path,
    env: &[(&str, &str)],
) -> std::process::Output {
    Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/db-backup.sh"
    ))
    .args(args)
    .env("DATABASE_URL", db.url().as_str())
    .env("BACKUP_DIR", backup_dir)
    .env("YES", "1")
    .envs(env.iter().copied())
    .output()
    .expect("run db-backup.sh")
}

/// For every table of the schema: (row count, md5 of all rows in a stable order). Every column
/// takes part, timestamps included, so any difference shows.
async fn snapshot(conn: &DatabaseConnection) -> BTreeMap<&'static str, (i64, String)> {
    let mut out = BTreeMap::new();
    for table in entity::registry::tables() {
        let row = conn
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM {} t",
                    table.name
                ),
            ))
            .await
            .unwrap()
            .unwrap();
        out.insert(
            table.name,
            (
                row.try_get("", "n").unwrap(),
                row.try_get("", "sum").unwrap(),
            ),
        );
    }
    out
}

/// The age CLI, if installed (for the interoperability checks only).
fn age_cli() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("age"))
        .find(|p| p.is_file())
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A folder with `pg_dump` and `pg_restore` wrappers that append their arguments (and whether
/// PGPASSWORD was set) to `log`, then run the server major's real tool.
async fn recording_tools(db: &TestDb, dir: &Path, log: &Path) -> PathBuf {
    let row = db
        .conn()
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT current_setting('server_version_num') AS v",
        ))
        .await
        .unwrap()
        .unwrap();
    let version: String = row.try_get("", "v").unwrap();
    let out = Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/local-pg.sh"
    ))
    .arg("bin-dir")
    .env("PG_MAJOR", &version[..2])
    .output()
    .unwrap();
    let real = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["pg_dump", "pg_restore"] {
        let wrapper = bin.join(tool);
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nprintf '%s %s\\n' {tool} \"$*\" >> '{log}'\n\
                 [ -n \"$PGPASSWORD\" ] && echo 'PGPASSWORD set' >> '{log}'\n\
                 exec '{real}' \"$@\"\n",
                log = log.display(),
                real = real.join(tool).display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

#[tokio::test]
async fn seed_backup_drop_restore_gives_identical_data() {
    let db = TestDb::migrated().await;
    seeder::seed(db.conn(), &seeder::SeedOptions::default())
        .await
        .unwrap();
    let before = snapshot(db.conn()).await;
    let schema_before = db.catalog().await.render();

    let work = std::env::temp_dir().join(format!("neonhub-backup-work-{}", db.name()));
    std::fs::create_dir_all(&work).unwrap();
    let dir = work.join("backups");
    let log = work.join("argv.log");
    let bin = recording_tools(&db, &work, &log).await;
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let identity = work.join("identity.txt");
    let age = env!("CARGO_BIN_EXE_neonhub-age");
    let keygen = Command::new(age)
        .arg("keygen")
        .arg("-o")
        .arg(&identity)
        .output()
        .expect("neonhub-age keygen");
    assert!(
        keygen.status.success(),
        "{}",
        String::from_utf8_lossy(&keygen.stderr)
    );
    assert_eq!(mode(&identity), 0o600, "the identity file");
    let recipient = String::from_utf8_lossy(&keygen.stdout).trim().to_owned();
    assert!(recipient.starts_with("age1"), "{recipient}");
    let env = [
        ("PATH", path.as_str()),
        ("BACKUP_AGE_BIN", age),
        ("BACKUP_AGE_RECIPIENT", recipient.as_str()),
        ("BACKUP_AGE_IDENTITY", identity.to_str().unwrap()),
    ];

    let out = script(&db, &["backup"], &dir, &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        file.ends_with(".dump.age") && file.contains(db.name()),
        "{file}"
    );
    // Private files, and no plaintext dump left behind.
    assert_eq!(mode(Path::new(&file)), 0o600, "{file}");
    assert_eq!(mode(&dir), 0o700, "backup folder");
    assert!(!Path::new(file.trim_end_matches(".age")).exists());
    assert!(!std::fs::read(&file).unwrap().starts_with(b"PGDMP"));

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

    // With the age CLI installed, the two implementations read each other's files: the CLI
    // decrypts ours, and the restore below reads a file the CLI encrypted.
    let mut restore_from = file.clone();
    if let Some(cli) = age_cli() {
        let plain = work.join("cli-decrypted.dump");
        let out = Command::new(&cli)
            .args(["--decrypt", "--identity"])
            .arg(&identity)
            .arg("--output")
            .arg(&plain)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the age CLI cannot decrypt neonhub-age's file: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::read(&plain).unwrap().starts_with(b"PGDMP"));
        restore_from = dir.join("by-the-cli.dump.age").display().to_string();
        let out = Command::new(&cli)
            .args([
                "--encrypt",
                "--recipient",
                &recipient,
                "--output",
                &restore_from,
            ])
            .arg(&plain)
            .output()
            .unwrap();
        assert!(out.status.success());
        std::fs::remove_file(&plain).unwrap();
    } else {
        eprintln!(
            "no age CLI on PATH: the interoperability checks are skipped (the round trip ran)"
        );
    }

    let out = script(&db, &["restore", &restore_from], &dir, &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // What `ps` showed: the tools ran (through the wrappers) with the password in PGPASSWORD
    // when the URL has one, and in no argument.
    let argv = std::fs::read_to_string(&log).unwrap();
    assert!(
        argv.contains("pg_dump ") && argv.contains("pg_restore "),
        "{argv}"
    );
    assert!(
        !argv.contains("postgres://"),
        "a URL on a command line: {argv}"
    );
    if let Some(password) = db.url().password() {
        assert!(!argv.contains(&password), "the password on a command line");
        assert!(argv.contains("PGPASSWORD set"), "{argv}");
    }

    let restored = testkit::neonhub_db::connect(db.url(), std::time::Duration::from_secs(10), 2)
        .await
        .unwrap();
    assert_eq!(
        snapshot(&restored).await,
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
    let out = script(&db, &["restore", bogus.to_str().unwrap()], &dir, &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid pg_dump"));
    // An encrypted dump without the identity: a clear refusal.
    let out = script(
        &db,
        &["restore", &file],
        &dir,
        &[("BACKUP_AGE_IDENTITY", "")],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("BACKUP_AGE_IDENTITY"));
    // Another identity: refused, and no decrypted temporary file is left behind.
    let other = work.join("other-identity.txt");
    assert!(
        Command::new(age)
            .arg("keygen")
            .arg("-o")
            .arg(&other)
            .output()
            .unwrap()
            .status
            .success()
    );
    let tmp = work.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let out = script(
        &db,
        &["restore", &file],
        &dir,
        &[
            ("BACKUP_AGE_BIN", age),
            ("BACKUP_AGE_IDENTITY", other.to_str().unwrap()),
            ("TMPDIR", tmp.to_str().unwrap()),
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("could not decrypt"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "a leftover in TMPDIR"
    );
    std::fs::remove_dir_all(&work).ok();
}
