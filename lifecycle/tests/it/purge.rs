//! `lifecycle purge`: deletes exactly the rows past each window of the policy (rows dated in
//! the past: expired sessions and tokens, 14-month-old metrics and usage, 2-year-old audit
//! rows, drafts older than their author's data_retention_days), in batches, and nothing else;
//! an interrupted run rerun ends in the same state; the audit log stays append-only for the
//! application role (even with the purge flag set) and keeps at least 30 days; every rule names
//! a real table and column, and each table it trims has an index leading with that column.

use lifecycle::{Policy, PurgeOptions, purge};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::collections::BTreeMap;
use std::time::Duration;
use testkit::DatabaseUrlArg;
use testkit::{AppLogin, TestDb, text};

/// Rows dated around the windows: (table, rows past the window) that the fixture adds.
const PAST: [(&str, u64); 7] = [
    ("sessions", 10),
    ("verification_tokens", 9),
    ("metric_events", 20),
    ("campaign_metrics", 15),
    ("usage_records", 12),
    ("audit_logs", 11),
    ("content_drafts", 16),
];

const FIXTURE: &str = "
INSERT INTO users (id, email) VALUES
  ('00000000-0000-7000-8000-00000000a001', 'purge-a@example.com'),
  ('00000000-0000-7000-8000-00000000a002', 'purge-b@example.com');
INSERT INTO user_settings (user_id, data_retention_days)
  VALUES ('00000000-0000-7000-8000-00000000a001', 10);
INSERT INTO sessions (user_id, token_hash, expires_at)
  SELECT '00000000-0000-7000-8000-00000000a001', 'purge-old-' || i, now() - interval '1 hour' - i * interval '1 minute'
  FROM generate_series(1, 10) i;
INSERT INTO sessions (user_id, token_hash, expires_at)
  SELECT '00000000-0000-7000-8000-00000000a001', 'purge-live-' || i, now() + interval '1 day'
  FROM generate_series(1, 3) i;
INSERT INTO verification_tokens (identifier, token_hash, expires_at)
  SELECT 'purge-a@example.com', 'purge-vt-old-' || i, now() - interval '1 minute' * i FROM generate_series(1, 9) i;
INSERT INTO verification_tokens (identifier, token_hash, expires_at)
  SELECT 'purge-a@example.com', 'purge-vt-live-' || i, now() + interval '1 hour' FROM generate_series(1, 2) i;
INSERT INTO metric_events (type, meta, created_at)
  SELECT 'purge', '{}', now() - interval '14 months' - i * interval '1 hour' FROM generate_series(1, 20) i;
INSERT INTO metric_events (type, meta, created_at)
  SELECT 'purge', '{}', now() - interval '12 months' FROM generate_series(1, 5) i;
INSERT INTO campaign_metrics (campaign_id, organization_id, kind, \"timestamp\")
  SELECT c.id, c.organization_id, 'purge', now() - interval '14 months' - i * interval '1 day'
  FROM generate_series(1, 15) i, (SELECT id, organization_id FROM campaigns ORDER BY id LIMIT 1) c;
INSERT INTO campaign_metrics (campaign_id, organization_id, kind, \"timestamp\")
  SELECT c.id, c.organization_id, 'purge', now() - interval '1 month'
  FROM generate_series(1, 4) i, (SELECT id, organization_id FROM campaigns ORDER BY id LIMIT 1) c;
INSERT INTO subscriptions (id, user_id, stripe_customer_id, stripe_subscription_id, stripe_price_id,
                           stripe_product_id, plan, status, current_period_start, current_period_end)
  VALUES ('00000000-0000-7000-8000-00000000b001', '00000000-0000-7000-8000-00000000a001',
          'cus_purge', 'sub_purge', 'price_purge', 'prod_purge', 'pro', 'active', now(), now() + interval '1 month');
INSERT INTO usage_records (subscription_id, user_id, resource_type, \"timestamp\")
  SELECT '00000000-0000-7000-8000-00000000b001', '00000000-0000-7000-8000-00000000a001', 'purge',
         now() - interval '14 months' - i * interval '1 hour' FROM generate_series(1, 12) i;
INSERT INTO usage_records (subscription_id, user_id, resource_type, \"timestamp\")
  SELECT '00000000-0000-7000-8000-00000000b001', '00000000-0000-7000-8000-00000000a001', 'purge',
         now() - interval '2 months' FROM generate_series(1, 3) i;
INSERT INTO audit_logs (action, created_at)
  SELECT 'purge.old', now() - interval '2 years' - i * interval '1 hour' FROM generate_series(1, 11) i;
INSERT INTO audit_logs (action, created_at)
  SELECT 'purge.recent', now() - interval '6 months' FROM generate_series(1, 4) i;
-- Author a keeps 10 days (user_settings); author b has no settings: the default 90 days.
INSERT INTO content_drafts (title, topic, body, created_by_id, updated_at)
  SELECT 'old a', 't', 'b', '00000000-0000-7000-8000-00000000a001', now() - interval '20 days' FROM generate_series(1, 8) i;
INSERT INTO content_drafts (title, topic, body, created_by_id, updated_at)
  SELECT 'new a', 't', 'b', '00000000-0000-7000-8000-00000000a001', now() - interval '5 days' FROM generate_series(1, 2) i;
INSERT INTO content_drafts (title, topic, body, created_by_id, updated_at)
  SELECT 'old b', 't', 'b', '00000000-0000-7000-8000-00000000a002', now() - interval '100 days' FROM generate_series(1, 8) i;
INSERT INTO content_drafts (title, topic, body, created_by_id, updated_at)
  SELECT 'new b', 't', 'b', '00000000-0000-7000-8000-00000000a002', now() - interval '50 days' FROM generate_series(1, 2) i;
";

async fn fixture() -> TestDb {
    let db = TestDb::migrated().await;
    seeder::seed(db.conn(), &seeder::SeedOptions::default())
        .await
        .expect("seed");
    db.conn()
        .execute_unprepared(FIXTURE)
        .await
        .expect("rows around the windows");
    db
}

/// Per table of the policy, the sorted md5 of every row.
async fn rows(db: &DatabaseConnection) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for rule in Policy::builtin().rules {
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT md5(t::text) AS h FROM {} t ORDER BY 1", rule.table),
            ))
            .await
            .expect("rows");
        out.insert(
            rule.table,
            rows.iter()
                .map(|r| r.try_get::<String>("", "h").expect("md5"))
                .collect(),
        );
    }
    out
}

/// The rows a purge must leave: every row of `before` but those the fixture dated past the
/// window, found by their markers.
async fn expected_after(db: &DatabaseConnection) -> BTreeMap<String, Vec<String>> {
    let past = [
        ("sessions", "token_hash LIKE 'purge-old-%'"),
        ("verification_tokens", "token_hash LIKE 'purge-vt-old-%'"),
        ("metric_events", "created_at < now() - interval '13 months'"),
        (
            "campaign_metrics",
            "\"timestamp\" < now() - interval '13 months'",
        ),
        (
            "usage_records",
            "\"timestamp\" < now() - interval '13 months'",
        ),
        ("audit_logs", "action = 'purge.old'"),
        ("content_drafts", "title IN ('old a', 'old b')"),
    ];
    let mut out = BTreeMap::new();
    for (table, condition) in past {
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT md5(t::text) AS h FROM {table} t WHERE NOT ({condition}) ORDER BY 1"
                ),
            ))
            .await
            .expect("rows");
        out.insert(
            table.to_owned(),
            rows.iter()
                .map(|r| r.try_get::<String>("", "h").expect("md5"))
                .collect(),
        );
    }
    out
}

fn small_batches() -> PurgeOptions {
    PurgeOptions {
        batch_rows: 7,
        pause: Duration::from_millis(1),
        ..PurgeOptions::default()
    }
}

/// The purge's own audit entries (each run with deletions writes one).
const OWN_AUDIT: &str = "DELETE FROM audit_logs WHERE action = 'retention.purged'";

#[tokio::test]
async fn purge_deletes_exactly_the_rows_past_each_window_in_batches() {
    let db = fixture().await;
    let expected = expected_after(db.conn()).await;

    let dry = purge(
        db.conn(),
        &Policy::builtin(),
        &PurgeOptions {
            dry_run: true,
            ..small_batches()
        },
    )
    .await
    .expect("dry run");
    let counted: Vec<(String, u64)> = dry
        .tables
        .iter()
        .map(|t| (t.table.clone(), t.rows))
        .collect();
    assert_eq!(
        counted,
        PAST.iter()
            .map(|(t, n)| ((*t).to_owned(), *n))
            .collect::<Vec<_>>(),
        "the dry run counts what is past each window"
    );
    assert_eq!(
        rows(db.conn()).await.values().map(Vec::len).sum::<usize>(),
        expected.values().map(Vec::len).sum::<usize>() + 93,
        "a dry run deletes nothing"
    );

    let report = purge(db.conn(), &Policy::builtin(), &small_batches())
        .await
        .expect("purge");
    assert!(!report.interrupted);
    for (table, past) in PAST {
        let t = report
            .tables
            .iter()
            .find(|t| t.table == table)
            .expect(table);
        assert_eq!(t.rows, past, "{table}");
        // Batches of 7: ceil(past / 7), plus one that finds nothing when past is a multiple.
        assert_eq!(t.batches, past / 7 + 1, "{table}");
    }
    assert!(
        report
            .summary()
            .starts_with("purged 93 rows past their window: sessions 10"),
        "{}",
        report.summary()
    );
    // The run is itself audited (counts only); the audit log is otherwise what was expected.
    let entries = db
        .conn()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT (metadata->'tables'->'audit_logs'->>'rows') AS n FROM audit_logs WHERE action = 'retention.purged'",
        ))
        .await
        .expect("entry")
        .expect("one entry");
    assert_eq!(entries.try_get::<String>("", "n").expect("n"), "11");
    // A second run finds nothing.
    let again = purge(db.conn(), &Policy::builtin(), &small_batches())
        .await
        .expect("rerun");
    assert_eq!(again.rows, 0);
    set_audit_purge_flag_and_delete(db.conn(), OWN_AUDIT).await;
    assert_eq!(rows(db.conn()).await, expected);
}

/// The owner removing the purge's own entries, through the privileged path's flag (the test
/// compares the rest of the log).
async fn set_audit_purge_flag_and_delete(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(&format!(
        "SELECT set_config('neonhub.audit_maintenance', 'purge', true); {sql}"
    ))
    .await
    .expect("owner with the flag");
}

#[tokio::test]
async fn an_interrupted_purge_rerun_ends_in_the_same_state() {
    let db = fixture().await;
    let expected = expected_after(db.conn()).await;
    let first = purge(
        db.conn(),
        &Policy::builtin(),
        &PurgeOptions {
            max_batches: Some(3),
            ..small_batches()
        },
    )
    .await
    .expect("interrupted purge");
    assert!(first.interrupted);
    assert_eq!(
        first.rows,
        10 + 7,
        "sessions (2 batches) and one batch of tokens"
    );
    assert!(first.summary().contains("run it again to finish"));
    let second = purge(db.conn(), &Policy::builtin(), &small_batches())
        .await
        .expect("rerun");
    assert!(!second.interrupted);
    assert_eq!(first.rows + second.rows, 93);
    set_audit_purge_flag_and_delete(db.conn(), OWN_AUDIT).await;
    assert_eq!(rows(db.conn()).await, expected);
}

#[tokio::test]
async fn a_purge_killed_midway_and_rerun_ends_in_the_same_state() {
    let db = fixture().await;
    let expected = expected_after(db.conn()).await;
    let run = |pause_ms: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_lifecycle"))
            .database_url(db.url().as_str())
            .args(["purge", "--batch-rows", "3"])
            .args(["--pause-ms", pause_ms])
            .env("RUST_BACKTRACE", "0")
            .env_remove("RETENTION_AUDIT_LOGS")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start lifecycle purge")
    };
    // 93 rows in batches of 3 with 300 ms pauses: about 10 s. SIGKILL it after a few batches.
    let mut child = run("300");
    let count = || async {
        text(
            db.conn(),
            "SELECT count(*)::text FROM metric_events WHERE type = 'purge'",
        )
        .await
    };
    let started = std::time::Instant::now();
    while count().await == "25" {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the purge never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let left: u64 = text(
        db.conn(),
        "SELECT (count(*) FILTER (WHERE created_at < now() - interval '13 months'))::text \
         FROM metric_events",
    )
    .await
    .parse()
    .expect("count");
    assert!(
        left > 0,
        "killed before the end: some rows past the window are left"
    );
    // No batch was left half done: every remaining row is either kept or still past its window.
    let status = run("0").wait().expect("rerun");
    assert!(status.success());
    set_audit_purge_flag_and_delete(db.conn(), OWN_AUDIT).await;
    assert_eq!(rows(db.conn()).await, expected);
}

async fn refused(db: &DatabaseConnection, sql: &str) -> String {
    db.execute_unprepared(sql)
        .await
        .map(|_| format!("{sql}: succeeded"))
        .expect_err(sql)
        .to_string()
}

#[tokio::test]
async fn the_audit_log_stays_append_only_and_keeps_thirty_days() {
    let db = fixture().await;
    let app = AppLogin::new(&db).await;
    // The application role: no DELETE or UPDATE, the flag gives it nothing, and it may not call
    // the privileged function.
    for sql in [
        "DELETE FROM audit_logs",
        "SELECT set_config('neonhub.audit_maintenance', 'purge', true); DELETE FROM audit_logs",
        "UPDATE audit_logs SET action = 'x'",
        "SELECT audit_logs_purge(now() - interval '1 year', 10)",
    ] {
        let err = refused(&app.conn, sql).await;
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }
    app.drop_role().await;
    // The owner without the function's flag: the append-only trigger.
    let err = refused(
        db.conn(),
        "DELETE FROM audit_logs WHERE action = 'purge.old'",
    )
    .await;
    assert!(err.contains("append-only"), "{err}");
    // The function keeps 30 days whatever it is asked.
    let err = refused(
        db.conn(),
        "SELECT audit_logs_purge(now() - interval '10 days', 10)",
    )
    .await;
    assert!(err.contains("kept at least 30 days"), "{err}");
    // And the policy's minimum holds against a shorter window (an environment's override).
    let mut policy = Policy::builtin();
    for rule in &mut policy.rules {
        if rule.table == "audit_logs" {
            rule.keep = Some("10 days".into());
            rule.override_env = None;
        }
    }
    let err = purge(db.conn(), &policy, &small_batches())
        .await
        .expect_err("a 10-day audit window");
    assert!(
        err.to_string().contains(
            "retention window for audit_logs: '10 days' is shorter than the minimum '30 days'"
        ),
        "{err}"
    );
    assert_eq!(
        db.conn()
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*)::text AS n FROM audit_logs WHERE action LIKE 'purge.%'",
            ))
            .await
            .expect("count")
            .expect("row")
            .try_get::<String>("", "n")
            .expect("n"),
        "15",
        "nothing deleted, from any table, when a window is refused"
    );
}

#[tokio::test]
async fn every_rule_names_a_real_column_with_an_index_leading_with_it() {
    let db = TestDb::migrated().await;
    let catalog = neonhub_db::catalog::Catalog::read(db.conn())
        .await
        .expect("catalog");
    for rule in Policy::builtin().rules {
        let table = catalog
            .tables
            .get(&rule.table)
            .unwrap_or_else(|| panic!("{}", rule.table));
        assert!(
            table.columns.iter().any(|c| c.name == rule.column),
            "{}.{}",
            rule.table,
            rule.column
        );
        assert!(
            catalog
                .index_keys
                .iter()
                .any(|(t, _, keys)| t == &rule.table
                    && keys
                        .first()
                        .is_some_and(|k| k.trim_matches('"') == rule.column)),
            "{}: no index leads with {}",
            rule.table,
            rule.column
        );
        if let Some(user) = &rule.keep_per_user {
            assert!(
                table.columns.iter().any(|c| &c.name == user),
                "{}.{user}",
                rule.table
            );
        }
        if rule.privileged {
            assert!(
                catalog
                    .functions
                    .iter()
                    .any(|f| f.starts_with(&format!("{}_purge(", rule.table))),
                "{}_purge()",
                rule.table
            );
        }
    }
}

#[tokio::test]
async fn two_purges_at_once_run_one_after_the_other() {
    // Without a lock both would delete batches side by side; with it, the second waits for the
    // first, then finds nothing left (its cutoffs are computed under the lock).
    let db = fixture().await;
    let expected = expected_after(db.conn()).await;
    let options = PurgeOptions {
        batch_rows: 2,
        pause: Duration::from_millis(20),
        ..PurgeOptions::default()
    };
    let policy = Policy::builtin();
    let (a, b) = tokio::join!(
        purge(db.conn(), &policy, &options),
        purge(db.conn(), &policy, &options)
    );
    let (a, b) = (a.expect("first purge"), b.expect("second purge"));
    assert_eq!(a.rows + b.rows, 93, "{a:?} {b:?}");
    assert_eq!(
        [a.rows, b.rows].iter().filter(|r| **r > 0).count(),
        1,
        "one purge did the work, the other found it done: {} / {}",
        a.summary(),
        b.summary()
    );
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM audit_logs WHERE action = 'retention.purged'"
        )
        .await,
        1
    );
    set_audit_purge_flag_and_delete(db.conn(), OWN_AUDIT).await;
    assert_eq!(rows(db.conn()).await, expected);
}

#[tokio::test]
async fn a_purge_that_waits_too_long_names_the_holder() {
    use testkit::neonhub_db::{DbError, ToolLock, ToolLockName};
    let db = TestDb::migrated().await;
    let holder = ToolLock::acquire(
        db.url(),
        ToolLockName::Purge,
        Duration::from_secs(10),
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    let err = purge(
        db.conn(),
        &Policy::builtin(),
        &PurgeOptions {
            lock_wait: Duration::from_secs(1),
            ..PurgeOptions::default()
        },
    )
    .await
    .expect_err("the purge lock is held");
    assert!(
        matches!(&err, lifecycle::PurgeError::Db(DbError::LockTimeout { lock, holder: Some(_), .. }) if lock == "purge"),
        "{err}"
    );
    let text = err.to_string();
    for needle in [
        "waited 1s for the purge lock (table neonhub_locks.purge)",
        "application 'lifecycle purge pid ",
        "SELECT pg_terminate_backend(",
    ] {
        assert!(text.contains(needle), "expected {needle:?} in: {text}");
    }
    // A dry run only counts: it takes no lock.
    purge(
        db.conn(),
        &Policy::builtin(),
        &PurgeOptions {
            dry_run: true,
            lock_wait: Duration::from_secs(1),
            ..PurgeOptions::default()
        },
    )
    .await
    .expect("a dry run does not wait for the lock");
    holder.release().await.unwrap();
}

#[tokio::test]
async fn an_application_login_cannot_hold_the_purge_hostage() {
    let db = fixture().await;
    let login = AppLogin::new(&db).await;
    let hostage = testkit::tool_locks::hold_former_advisory_locks(&login.conn).await;
    let report = purge(
        db.conn(),
        &Policy::builtin(),
        &PurgeOptions {
            lock_wait: Duration::from_secs(10),
            ..small_batches()
        },
    )
    .await
    .expect("the purge runs while the login holds every former lock");
    assert_eq!(report.rows, 93);
    assert!(testkit::tool_locks::assert_tool_locks_refused(&login.conn).await >= 1);
    hostage.rollback().await.ok();
    login.drop_role().await;
}
