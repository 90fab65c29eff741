//! `lifecycle export-user`: every foreign key to `users` in the catalog is covered (including a
//! table created by the test, which no code knows), the row counts equal independent counts,
//! no sealed secret or token/key hash leaves (neither the column nor its value), the document
//! names the schema version, and a user with 100,000 messages is streamed in bounded memory.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::collections::BTreeSet;
use std::process::Command;
use testkit::DatabaseUrlArg;
use testkit::TestDb;

async fn texts(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| {
            r.try_get_by_index::<Option<String>>(0)
                .expect("text")
                .unwrap_or_default()
        })
        .collect()
}

/// A seeded database and the id of its admin user.
async fn seeded() -> (TestDb, String) {
    let db = TestDb::migrated().await;
    seeder::seed(db.conn(), &seeder::SeedOptions::default())
        .await
        .expect("seed");
    let admin = texts(
        db.conn(),
        "SELECT id::text FROM users WHERE email = 'admin@neonhub.ai'",
    )
    .await
    .remove(0);
    (db, admin)
}

#[tokio::test]
async fn every_user_foreign_key_is_covered_and_no_secret_leaves() {
    let (db, user) = seeded().await;
    // A table no code knows about, added "tomorrow".
    db.conn()
        .execute_unprepared(&format!(
            "CREATE TABLE user_notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), \
             author_id uuid REFERENCES users (id), body text); \
             INSERT INTO user_notes (author_id, body) VALUES ('{user}', 'a note')"
        ))
        .await
        .expect("a new table");

    let mut buf = Vec::new();
    let report = lifecycle::export_user(db.conn(), " ADMIN@NeonHub.ai ", &mut buf)
        .await
        .expect("export");
    assert_eq!(report.user_id, user);
    let text = String::from_utf8(buf).expect("utf-8");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
    assert_eq!(
        doc["schema_version"],
        texts(db.conn(), "SELECT max(version) FROM seaql_migrations").await[0]
    );

    // Every foreign key to users, from the catalog: its table is exported, found by that column.
    let fks = texts(
        db.conn(),
        "SELECT conrelid::regclass::text || '.' || a.attname FROM pg_constraint c \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
         WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass",
    )
    .await;
    assert!(fks.len() > 20, "{fks:?}");
    for fk in &fks {
        let (table, column) = fk.split_once('.').expect("table.column");
        assert!(
            doc["found_by"][table]
                .as_array()
                .is_some_and(|cols| cols.iter().any(|c| c == column)),
            "{fk} is not covered"
        );
        let counted = texts(
            db.conn(),
            &format!(
                "SELECT count(*)::text FROM {table} WHERE {} ",
                doc["found_by"][table]
                    .as_array()
                    .expect("columns")
                    .iter()
                    .map(|c| format!("{} = '{user}'", c.as_str().expect("name")))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            ),
        )
        .await[0]
            .parse::<u64>()
            .expect("count");
        assert_eq!(doc["row_counts"][table], counted, "{table}");
        assert_eq!(
            doc["tables"][table].as_array().expect("rows").len() as u64,
            counted,
            "{table}"
        );
    }
    assert_eq!(doc["tables"]["user_notes"][0]["body"], "a note");
    // The memberships name their organization and role.
    assert!(doc["tables"]["organization_members"][0]["role_id_name"].is_string());

    // Withheld: sealed secrets and token/key hashes, neither as keys nor as values.
    let mut withheld = BTreeSet::new();
    for (table, rows) in doc["tables"].as_object().expect("tables") {
        let columns = texts(
            db.conn(),
            &format!(
                "SELECT attname::text FROM pg_attribute WHERE attrelid = '{table}'::regclass \
                 AND attnum > 0 AND NOT attisdropped"
            ),
        )
        .await;
        for column in columns
            .iter()
            .filter(|c| lifecycle::export::withheld(table, c))
        {
            withheld.insert(format!("{table}.{column}"));
            for row in rows.as_array().expect("rows") {
                assert!(row.get(column).is_none(), "{table}.{column} exported");
            }
            assert!(
                doc["withheld"][table]
                    .as_array()
                    .is_some_and(|w| w.iter().any(|c| c == column.as_str())),
                "{table}.{column} not named as withheld"
            );
            for value in texts(
                db.conn(),
                &format!("SELECT {column}::text FROM {table} WHERE {column} IS NOT NULL"),
            )
            .await
            {
                let hex = value.trim_start_matches("\\x");
                assert!(!text.contains(hex), "a value of {table}.{column} leaked");
            }
        }
    }
    for sealed in [
        "connector_auths.access_token",
        "api_keys.token_hash",
        "sessions.token_hash",
    ] {
        assert!(withheld.contains(sealed), "{sealed}: {withheld:?}");
    }
    let err = lifecycle::export_user(db.conn(), "nobody@example.com", &mut Vec::new())
        .await
        .expect_err("unknown user");
    assert_eq!(
        err.to_string(),
        "no user has the id or email 'nobody@example.com'"
    );
}

#[tokio::test]
async fn a_large_user_is_streamed_in_bounded_memory() {
    let (db, user) = seeded().await;
    // 100,000 messages of about 1 kB each: ~100 MB of rows.
    db.conn()
        .execute_unprepared(&format!(
            "INSERT INTO messages (conversation_id, organization_id, author_id, role, content) \
             SELECT c.id, c.organization_id, '{user}', 'user', \
                    jsonb_build_object('text', repeat(md5(i::text), 32)) \
             FROM generate_series(1, 100000) i, \
                  (SELECT id, organization_id FROM conversations ORDER BY id LIMIT 1) c"
        ))
        .await
        .expect("messages");
    let file = std::env::temp_dir().join(format!("{}-export.json", db.name()));
    let out = Command::new(env!("CARGO_BIN_EXE_lifecycle"))
        .database_url(db.url().as_str())
        .args(["--json", "export-user", &user, "--out"])
        .arg(&file)
        .output()
        .expect("run lifecycle");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report");
    let size = std::fs::metadata(&file).expect("file").len();
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("file").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the export file is private");
    }
    let tail = {
        let text = std::fs::read_to_string(&file).expect("read");
        std::fs::remove_file(&file).ok();
        text[text.len().saturating_sub(2000)..].to_owned()
    };
    assert!(tail.contains("\"messages\":100000"), "{tail}");
    assert_eq!(report["rows"]["messages"], 100_000);
    assert!(size > 100_000_000, "{size} bytes");
    let peak = report["peak_rss_kb"].as_u64().expect("peak memory");
    // The document is over 100 MB; the process never holds more than a fetch of it.
    assert!(
        peak < 64 * 1024,
        "peak memory {peak} kB for a {size}-byte export"
    );
    eprintln!("exported {size} bytes with a peak of {} MB", peak / 1024);
}
