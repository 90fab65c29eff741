//! The migration runner is safe to run concurrently, survives a crash in the middle of a
//! migration (leaving no lock behind), refuses edited migrations and databases ahead of the
//! build; writers read the direct URL by name, warn about a pooled one, and the workflows refuse
//! it. The lock itself: tool_lock.rs.

use migration::{EXPECTED_SCHEMA, Migrator, MigratorTrait};
use sea_orm_migration::sea_orm::ConnectionTrait;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use testkit::DatabaseUrlArg;
use testkit::TestDb;

fn migration(db: &TestDb, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migration"));
    cmd.database_url(db.url().as_str()).args(args);
    cmd
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn eight_concurrent_migrators_apply_each_migration_once() {
    let db = TestDb::empty().await;
    let children: Vec<_> = (0..8)
        .map(|_| {
            migration(&db, &["up"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for out in &outputs {
        assert!(out.status.success(), "{}", text(out));
    }
    let total = Migrator::migrations().len() as i64;
    // Exactly one of them applied everything; the others found nothing pending.
    let appliers = outputs
        .iter()
        .filter(|o| {
            String::from_utf8_lossy(&o.stdout).contains(&format!("applied {total} migration(s)"))
        })
        .count();
    assert_eq!(
        appliers,
        1,
        "{:?}",
        outputs.iter().map(text).collect::<Vec<_>>()
    );
    assert_eq!(
        testkit::int(db.conn(), "SELECT count(*) FROM seaql_migrations").await,
        total
    );
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(DISTINCT version) FROM seaql_migrations"
        )
        .await,
        total
    );
    assert_eq!(
        testkit::int(db.conn(), "SELECT count(*) FROM _migration_checksums").await,
        total
    );
    assert_eq!(db.catalog().await.render(), EXPECTED_SCHEMA);
}

#[tokio::test]
async fn killed_in_the_middle_of_a_migration_leaves_nothing_behind() {
    let db = TestDb::empty().await;
    let victim = "m20261125_000700_agents";
    let mut child = migration(&db, &["up"])
        .env("NEONHUB_TEST_PAUSE_IN_MIGRATION", victim)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the migration has run its statements and sits inside its transaction.
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    loop {
        let line = lines.next().expect("child ended before pausing").unwrap();
        if line.contains(&format!("paused inside {victim}")) {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Its connections closed with it: the server ended their transactions, the migrations
    // lock with them (the server sees the closed socket at once; allow it a moment).
    let mut held = 1;
    for _ in 0..50 {
        held = testkit::int(
            db.conn(),
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
              WHERE c.relname = 'migrations' \
                AND c.relnamespace = 'neonhub_locks'::regnamespace",
        )
        .await;
        if held == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(held, 0, "the killed migrator left its lock behind");

    let recorded = testkit::int(
        db.conn(),
        &format!("SELECT count(*) FROM seaql_migrations WHERE version = '{victim}'"),
    )
    .await;
    assert_eq!(recorded, 0, "the killed migration must not be recorded");
    let agents = testkit::int(
        db.conn(),
        "SELECT count(*) FROM pg_class WHERE relname = 'agents'",
    )
    .await;
    assert_eq!(agents, 0, "the killed migration's tables must not exist");
    let earlier = testkit::int(db.conn(), "SELECT count(*) FROM seaql_migrations").await;
    assert_eq!(earlier, 6, "the migrations before it stay applied");

    // A second run gets the lock right away (it would wait 60 s, and fail after 1, otherwise).
    let started = std::time::Instant::now();
    let out = migration(&db, &["up", "--lock-timeout", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        !text(&out).contains("waiting for the migrations lock"),
        "{}",
        text(&out)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert_eq!(db.catalog().await.render(), EXPECTED_SCHEMA);
}

#[tokio::test]
async fn edited_migration_is_refused_until_accepted() {
    let db = TestDb::empty().await;
    let out = migration(&db, &["up"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let edited = "m20261125_000400_brand";
    db.pretend_edited(edited).await;

    for args in [&["up"][..], &["status"][..]] {
        let out = migration(&db, args).output().unwrap();
        assert!(!out.status.success(), "{args:?} must refuse");
        let t = text(&out);
        assert!(t.contains("changed since they were applied"), "{t}");
        assert!(t.contains("--accept-changed"), "{t}");
        let line = t.lines().find(|l| l.contains(edited));
        if args == ["up"] {
            assert!(line.is_some(), "{t}");
        } else {
            assert!(
                line.is_some_and(|l| l.contains("applied, changed since")),
                "{t}"
            );
        }
    }

    let out = migration(&db, &["up", "--accept-changed", edited])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = migration(&db, &["status"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = migration(&db, &["up", "--accept-changed", edited])
        .output()
        .unwrap();
    assert!(!out.status.success(), "nothing left to accept");
    assert!(text(&out).contains("no applied migration of that name has a changed checksum"));
}

#[tokio::test]
async fn database_ahead_of_the_build_is_refused() {
    let db = TestDb::migrated().await;
    db.conn()
        .execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000000_from_the_future', 0)",
        )
        .await
        .unwrap();
    let out = migration(&db, &["up"]).output().unwrap();
    assert!(!out.status.success());
    let t = text(&out);
    assert!(
        t.contains("m20991231_000000_from_the_future") && t.contains("update your checkout"),
        "{t}"
    );
    let out = migration(&db, &["status"]).output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("applied, unknown to this build"));
}

#[tokio::test]
async fn fresh_rebuilds_a_migrated_database() {
    let db = TestDb::migrated().await;
    db.conn()
        .execute_unprepared("INSERT INTO organizations (slug, name) VALUES ('gone', 'Gone')")
        .await
        .unwrap();
    let out = migration(&db, &["fresh"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(db.catalog().await.render(), EXPECTED_SCHEMA);
    assert_eq!(
        testkit::int(db.conn(), "SELECT count(*) FROM organizations").await,
        0
    );
}

#[tokio::test]
async fn an_unreadable_checksum_row_is_an_error_not_a_panic() {
    let db = TestDb::empty().await;
    let out = migration(&db, &["up"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // A bookkeeping column that no longer decodes as text.
    db.conn()
        .execute_unprepared(
            "ALTER TABLE _migration_checksums
               ALTER COLUMN checksum TYPE bytea USING convert_to(checksum, 'UTF8')",
        )
        .await
        .unwrap();
    for args in [&["status"][..], &["up"][..]] {
        let out = migration(&db, args).output().unwrap();
        let t = text(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {t}");
        assert!(!t.contains("panicked"), "{args:?}: {t}");
        assert!(t.contains("_migration_checksums"), "{args:?}: {t}");
    }
}

#[tokio::test]
async fn piped_output_is_one_summary_line_without_colour_and_details_come_with_rust_log() {
    let db = TestDb::empty().await;
    // Piped (as to a file or a CI log), no RUST_LOG: the summary line and nothing else.
    let out = migration(&db, &["up"])
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let total = Migrator::migrations().len();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with(&format!("applied {total} migration(s)")),
        "{stdout}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "stderr");

    // RUST_LOG shows sea-orm-migration's lines, on stderr, still without colour.
    let out = migration(&db, &["down"])
        .env("RUST_LOG", "info")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Rolling back migration"), "{stderr}");
    assert!(
        !text(&out).contains('\x1b'),
        "ANSI escape in: {}",
        text(&out)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

#[tokio::test]
async fn a_pool_that_ran_the_migrations_keeps_none_of_their_timeouts() {
    // A caller's pool (an application migrating at startup, the bench): the migrations that run
    // outside a transaction set their timeouts for the session. Had those landed on one of the
    // pool's connections and their RESET on another, a later statement there (an index build,
    // the application's own queries) would die at the migrations' 300 s, or at their 5 s lock
    // timeout.
    let db = TestDb::empty().await;
    let pool = testkit::neonhub_db::connect(db.url(), std::time::Duration::from_secs(10), 4)
        .await
        .unwrap();
    migration::runner::run(
        db.url(),
        &pool,
        migration::runner::Action::Up(None),
        &migration::runner::RunOptions::default(),
    )
    .await
    .unwrap();
    // Every connection of the pool at once (each transaction holds its own).
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(
            sea_orm_migration::sea_orm::TransactionTrait::begin(&pool)
                .await
                .unwrap(),
        );
    }
    for txn in &held {
        for name in ["lock_timeout", "statement_timeout"] {
            let value = testkit::text(txn, &format!("SELECT current_setting('{name}')")).await;
            assert_eq!(
                value, "0",
                "{name} left on a connection of the caller's pool"
            );
        }
    }
}

#[tokio::test]
async fn writers_read_the_direct_url_by_name_and_warn_about_a_pooled_one() {
    let db = TestDb::migrated().await;
    let nowhere = "postgres://nobody:secret@127.0.0.1:9/nowhere";
    let run = |envs: &[(&str, &str)], args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_migration"));
        // No .env up the tree of the temporary folder: only what is set here counts.
        cmd.current_dir(std::env::temp_dir())
            .env_remove("DATABASE_URL")
            .env_remove("DIRECT_DATABASE_URL")
            .env_remove("DATABASE_URL_UNPOOLED")
            .envs(envs.iter().copied())
            .args(args);
        cmd.output().unwrap()
    };
    let url = db.url().as_str();
    for envs in [
        vec![("DIRECT_DATABASE_URL", url), ("DATABASE_URL", nowhere)],
        vec![("DATABASE_URL_UNPOOLED", url), ("DATABASE_URL", nowhere)],
        vec![("DATABASE_URL", url)],
    ] {
        let out = run(&envs, &["status", "--connect-timeout", "3"]);
        assert!(out.status.success(), "{envs:?}: {}", text(&out));
        assert!(text(&out).contains("0 pending"), "{}", text(&out));
    }
    // DIRECT_DATABASE_URL comes before DATABASE_URL_UNPOOLED.
    let out = run(
        &[
            ("DIRECT_DATABASE_URL", nowhere),
            ("DATABASE_URL_UNPOOLED", url),
        ],
        &["status", "--connect-timeout", "3"],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("127.0.0.1:9"), "{}", text(&out));
    assert!(!text(&out).contains("secret"), "{}", text(&out));

    // A URL that looks pooled: warned about once, naming the direct URL's variables; it still
    // works (pgbouncer=true is read by the client, never handed to the driver).
    let pooled = format!("{url}?pgbouncer=true");
    let out = run(
        &[("DIRECT_DATABASE_URL", &pooled)],
        &["up", "--connect-timeout", "3"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("looks pooled").count(), 1, "{stderr}");
    for needle in [
        "DIRECT_DATABASE_URL looks pooled (pgbouncer=true in its query)",
        "DATABASE_URL_UNPOOLED",
        "keeps its lock (an open transaction",
        "a migration that runs outside a transaction is refused",
    ] {
        assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    }
    assert!(!stderr.contains("unrecognized"), "{stderr}");
}

#[test]
fn the_workflows_refuse_a_pooled_url_for_the_tools_that_write() {
    // scripts/writer-url.sh, which the db-* workflows run before every step that writes: the
    // same names in the same order as the binaries, and a refusal when the only URL looks
    // pooled (instead of the former silent fallback to DATABASE_URL).
    let script = testkit::local_server::workspace().join("scripts/writer-url.sh");
    let run = |envs: &[(&str, &str)], command: &str| {
        let out = Command::new("bash")
            .arg(&script)
            .arg(command)
            .env_remove("DATABASE_URL")
            .env_remove("DIRECT_DATABASE_URL")
            .env_remove("DATABASE_URL_UNPOOLED")
            .env("GITHUB_ACTIONS", "true")
            .envs(envs.iter().copied())
            .output()
            .unwrap();
        (out.status.success(), text(&out))
    };
    let direct = "postgres://u:hunter2@ep-cool-1.us-east-2.aws.neon.tech/db?sslmode=require";
    let pooled = "postgres://u:hunter2@ep-cool-1-pooler.us-east-2.aws.neon.tech/db?sslmode=require";
    for only in [
        pooled,
        "postgres://u:hunter2@bouncer:6432/db",
        "postgres://u:hunter2@h/db?pgbouncer=true",
    ] {
        let (ok, out) = run(&[("DATABASE_URL", only)], "check");
        assert!(!ok, "{only}: {out}");
        assert!(
            out.contains("::error::DATABASE_URL looks pooled")
                && out.contains("DIRECT_DATABASE_URL"),
            "{out}"
        );
        assert!(!out.contains("hunter2"), "{out}");
    }
    for (envs, name) in [
        (
            vec![("DATABASE_URL", pooled), ("DIRECT_DATABASE_URL", direct)],
            "DIRECT_DATABASE_URL",
        ),
        (
            vec![("DATABASE_URL", pooled), ("DATABASE_URL_UNPOOLED", direct)],
            "DATABASE_URL_UNPOOLED",
        ),
        (vec![("DATABASE_URL", direct)], "DATABASE_URL"),
    ] {
        let (ok, out) = run(&envs, "check");
        assert!(ok, "{envs:?}: {out}");
        let (_, out) = run(&envs, "name");
        assert_eq!(out.trim(), name);
    }
    let (ok, out) = run(&[("DIRECT_DATABASE_URL", direct)], "url");
    assert!(ok && out.trim() == direct, "{out}");
}
