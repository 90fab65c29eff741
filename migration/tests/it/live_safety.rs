//! Migrations are safe on a live database: the committed SQL is what they run, a migration
//! behind a long transaction fails fast with a message naming the lock and succeeds once it is
//! gone, concurrent index builds never block writers and recover from INVALID leftovers, and
//! the deferred graph's column and indexes arrive without a table rewrite, and rebuilding a
//! graph replaces it under its name without blocking a writer, also after a stopped run.

use migration::{Migrator, MigratorTrait};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use std::process::Command;
use std::time::{Duration, Instant};
use testkit::DatabaseUrlArg;
use testkit::TestDb;

const HNSW: &str = "m20261125_001500_hnsw_vector_indexes";
const DEFERRED_GRAPH: &str = "m20261204_000400_deferred_vector_graph";
const GRAPH_QUALITY: &str = "m20261204_000500_graph_build_quality";
const DENSER_GRAPH: &str = "m20261204_000600_denser_graph";

#[tokio::test]
async fn committed_sql_is_what_the_migrations_run() {
    let db = TestDb::empty().await;
    let rendered = migration::render::render(db.url()).await.expect("render");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sql");
    let mut stale = Vec::new();
    for m in &rendered {
        for direction in ["up", "down"] {
            let file = dir.join(format!("{}.{direction}.sql", m.name));
            let committed = std::fs::read_to_string(&file).unwrap_or_default();
            if committed != migration::render::file_contents(m, direction) {
                stale.push(file.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale or missing rendered SQL (run `make migrations-sql`): {stale:?}"
    );
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        files,
        rendered.len() * 2,
        "migration/sql holds files of no migration"
    );
    // Every migration in a transaction starts by setting its timeouts for that transaction;
    // none sets anything for the session (through a transaction pooler a session setting
    // stays on a server connection for another client), except the landed
    // m20261204_000400_deferred_vector_graph, which lifts the statement timeout around its
    // concurrent builds and puts it back (never edited: it has been applied).
    for m in &rendered {
        for (direction, sql) in [("up", &m.up), ("down", &m.down)] {
            if m.in_transaction {
                assert!(
                    sql.starts_with(
                        "SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';"
                    ),
                    "{} {direction}",
                    m.name
                );
            }
            // Each command of each statement (statements are separated by blank lines, a
            // statement may hold several commands), comments left out.
            let session_sets: Vec<String> = sql
                .split("\n\n")
                .flat_map(|statement| {
                    let code: Vec<&str> = statement
                        .lines()
                        .filter(|l| !l.trim_start().starts_with("--"))
                        .collect();
                    code.join(" ")
                        .split(';')
                        .map(|c| c.trim().to_owned())
                        .collect::<Vec<_>>()
                })
                .filter(|command| {
                    let upper = command.to_ascii_uppercase();
                    (upper.starts_with("SET ") && !upper.starts_with("SET LOCAL "))
                        || upper.starts_with("RESET ")
                        || (upper.contains("SET_CONFIG(") && upper.contains(", FALSE)"))
                })
                .collect();
            if m.name == DEFERRED_GRAPH {
                assert!(
                    session_sets
                        .iter()
                        .all(|l| l.starts_with("SET statement_timeout = ")),
                    "{} {direction}: {session_sets:?}",
                    m.name
                );
            } else {
                assert!(
                    session_sets.is_empty(),
                    "{} {direction} sets the session: {session_sets:?}",
                    m.name
                );
            }
        }
    }
}

fn migration_bin(db: &TestDb, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migration"))
        .database_url(db.url().as_str())
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test]
async fn a_migration_behind_a_long_transaction_fails_fast_then_succeeds() {
    let db = TestDb::empty().await;
    let all = Migrator::migrations().len();
    let target = "m20261125_001800_append_only_audit_logs";
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name() == target)
        .unwrap();
    let out = migration_bin(&db, &["up", "-n", &before.to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A long-running writer holds ROW EXCLUSIVE on audit_logs; CREATE TRIGGER needs SHARE ROW
    // EXCLUSIVE, which conflicts.
    let txn = db.conn().begin().await.unwrap();
    txn.execute_unprepared("INSERT INTO audit_logs (action) VALUES ('long transaction')")
        .await
        .unwrap();
    let started = Instant::now();
    let out = migration_bin(&db, &["up", "--ddl-lock-timeout", "1"]);
    let waited = started.elapsed();
    assert!(!out.status.success(), "must fail while the lock is held");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "migration {target} could not get its lock within 1s"
        )),
        "{err}"
    );
    assert!(
        err.contains("table audit_logs is held in RowExclusiveLock"),
        "{err}"
    );
    assert!(
        err.contains("nothing of it was applied") && err.contains("Retry"),
        "{err}"
    );
    assert!(waited < Duration::from_secs(15), "took {waited:?}");
    assert_eq!(
        Migrator::get_applied_migrations(db.conn())
            .await
            .unwrap()
            .len(),
        before,
        "nothing more was applied"
    );

    txn.commit().await.unwrap();
    let out = migration_bin(&db, &["up", "--ddl-lock-timeout", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        Migrator::get_applied_migrations(db.conn())
            .await
            .unwrap()
            .len(),
        all
    );
}

#[tokio::test]
async fn a_lock_timeout_is_recognised_by_its_sqlstate_whatever_the_language() {
    // A server with `lc_messages` in German says "Zeitüberschreitung einer Sperre", never "lock
    // timeout": the diagnosis must rest on SQLSTATE 55P03 (lock_not_available). Neither bundled
    // server ships translations, so an event trigger raises exactly that error on the
    // migration's first DDL statement.
    let target = "m20261125_001800_append_only_audit_logs";
    let db = TestDb::migrated_until(target).await;
    // The runner's lock table exists once a tool has run (its first run creates it: DDL the
    // trigger below would refuse too).
    testkit::neonhub_db::ToolLock::acquire(
        db.url(),
        testkit::neonhub_db::ToolLockName::Migrations,
        Duration::from_secs(10),
        Duration::from_secs(10),
    )
    .await
    .unwrap()
    .release()
    .await
    .unwrap();
    db.conn()
        .execute_unprepared(
            "CREATE FUNCTION pretend_german_lock_timeout() RETURNS event_trigger
             LANGUAGE plpgsql AS $$
             BEGIN
                 RAISE EXCEPTION 'storniere Anfrage wegen Zeitüberschreitung einer Sperre'
                     USING ERRCODE = 'lock_not_available';
             END $$;
             CREATE EVENT TRIGGER pretend_german_lock_timeout ON ddl_command_start
                 EXECUTE FUNCTION pretend_german_lock_timeout()",
        )
        .await
        .unwrap();
    let out = migration_bin(&db, &["up", "--ddl-lock-timeout", "2"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "migration {target} could not get its lock within 2s"
        )),
        "{err}"
    );
    assert!(err.contains("nothing of it was applied"), "{err}");
}

async fn index_valid(db: &TestDb, name: &str) -> Option<bool> {
    db.conn()
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)",
            [name.into()],
        ))
        .await
        .unwrap()
        .map(|r| r.try_get_by_index(0).unwrap())
}

/// The file nodes of `messages` and `chunks` as one number: a table rewrite changes it.
async fn filenodes(db: &TestDb) -> i64 {
    testkit::int(
        db.conn(),
        "SELECT pg_relation_filenode('messages')::bigint * 1000000 \
         + pg_relation_filenode('chunks')::bigint",
    )
    .await
}

/// Apply the next migration while a writer inserts messages the whole time, and check that the
/// writer ran throughout and no insert waited 2 s.
async fn next_migration_under_writes(db: &TestDb) {
    let writer_db = db.conn().clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop_writer = stop.clone();
    let writer = tokio::spawn(async move {
        let (mut n, mut slowest) = (0u32, Duration::ZERO);
        while !stop_writer.load(std::sync::atomic::Ordering::Relaxed) {
            let t = Instant::now();
            writer_db
                .execute_unprepared(
                    "INSERT INTO messages (organization_id, conversation_id, role, content)
                     VALUES ('0190a0a0-0000-7000-8000-000000000001',
                             '0190a0a0-0000-7000-8000-000000000002', 'user', '{}')",
                )
                .await
                .expect("an insert failed during the migration");
            slowest = slowest.max(t.elapsed());
            n += 1;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        (n, slowest)
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    Migrator::up(db.conn(), Some(1))
        .await
        .expect("the migration under writes");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (inserts, slowest) = writer.await.unwrap();
    assert!(
        inserts > 5,
        "the writer ran during the migration ({inserts} inserts)"
    );
    assert!(
        slowest < Duration::from_secs(2),
        "an insert waited {slowest:?}"
    );
}

#[tokio::test]
async fn concurrent_index_build_never_blocks_writers() {
    let db = TestDb::migrated_until(HNSW).await;
    testkit::conversation_with_messages(db.conn(), 2000).await;
    next_migration_under_writes(&db).await;
    assert_eq!(
        index_valid(&db, "messages_embedding_hnsw_idx").await,
        Some(true)
    );
}

#[tokio::test]
async fn the_deferred_graph_rewrites_no_table_blocks_no_writer_and_keeps_rows_in_the_graph() {
    let db = TestDb::migrated_until(DEFERRED_GRAPH).await;
    testkit::conversation_with_messages(db.conn(), 500).await;
    let before = filenodes(&db).await;
    next_migration_under_writes(&db).await;
    assert_eq!(
        filenodes(&db).await,
        before,
        "no table was rewritten (the column's default is in the catalog, no backfill)"
    );
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM messages WHERE embedding IS NOT NULL AND embedding_indexed"
        )
        .await,
        500,
        "the rows that were in the full index are in the partial one"
    );
    db.conn()
        .execute_unprepared(
            "INSERT INTO messages (organization_id, conversation_id, role, content)
             VALUES ('0190a0a0-0000-7000-8000-000000000001',
                     '0190a0a0-0000-7000-8000-000000000002', 'user', '{\"new\": true}')",
        )
        .await
        .unwrap();
    assert_eq!(
        testkit::text(
            db.conn(),
            "SELECT embedding_indexed::text FROM messages WHERE content ? 'new'"
        )
        .await,
        "false",
        "a new row waits for vector-maintain"
    );
    let cat = db.catalog().await;
    for table in ["messages", "chunks"] {
        let hnsw = format!("{table}_embedding_hnsw_idx");
        assert!(
            cat.tables[table].indexes[&hnsw].ends_with("WHERE embedding_indexed"),
            "{}",
            cat.tables[table].indexes[&hnsw]
        );
        assert_eq!(index_valid(&db, &hnsw).await, Some(true));
        let pending = format!("{table}_embedding_pending_idx");
        assert_eq!(index_valid(&db, &pending).await, Some(true));
    }
    // Down: the full index is back, the column gone, still without a rewrite.
    Migrator::down(db.conn(), Some(1)).await.expect("down");
    assert_eq!(filenodes(&db).await, before);
    let cat = db.catalog().await;
    assert!(
        cat.tables["chunks"].indexes["chunks_embedding_hnsw_idx"]
            .ends_with("WITH (m='16', ef_construction='64')"),
        "{}",
        cat.tables["chunks"].indexes["chunks_embedding_hnsw_idx"]
    );
    assert!(
        !cat.tables["messages"]
            .indexes
            .contains_key("messages_embedding_pending_idx")
    );
}

#[tokio::test]
async fn the_graph_rebuild_blocks_no_writer_and_completes_a_stopped_run() {
    // A run stopped after building the new graph of messages, before the swap.
    let db = graph_rebuild_under_writes(
        GRAPH_QUALITY,
        "CREATE INDEX messages_embedding_hnsw_next_idx ON messages \
         USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) \
         WITH (m = 16, ef_construction = 128) WHERE embedding_indexed",
    )
    .await;
    graphs_are(&db, "ef_construction='128'").await;
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM messages WHERE embedding IS NOT NULL AND embedding_indexed"
        )
        .await,
        500
    );
    Migrator::down(db.conn(), Some(1)).await.expect("down");
    graphs_are(&db, "ef_construction='64'").await;
    Migrator::up(db.conn(), Some(1)).await.expect("up again");
    graphs_are(&db, "ef_construction='128'").await;
}

/// A database migrated until `migration` (a graph rebuild) with 500 messages in the graph, as
/// vector-maintain leaves them, where `stopped_run` (the state a run stopped half-way leaves)
/// is executed, then `migration` run under a writer inserting all the time (no insert waits);
/// checks that no table was rewritten.
async fn graph_rebuild_under_writes(migration: &str, stopped_run: &str) -> TestDb {
    let db = TestDb::migrated_until(migration).await;
    testkit::conversation_with_messages(db.conn(), 500).await;
    db.conn()
        .execute_unprepared("UPDATE messages SET embedding_indexed = true")
        .await
        .unwrap();
    let before = filenodes(&db).await;
    db.conn().execute_unprepared(stopped_run).await.unwrap();
    next_migration_under_writes(&db).await;
    assert_eq!(filenodes(&db).await, before, "no rewrite");
    db
}

/// Both graphs (`messages`, `chunks`) are valid, in half precision over the merged rows, with
/// `setting` in their definition, and no `_next_idx` of a rebuild is left.
async fn graphs_are(db: &TestDb, setting: &str) {
    let cat = db.catalog().await;
    for table in ["messages", "chunks"] {
        let def = &cat.tables[table].indexes[&format!("{table}_embedding_hnsw_idx")];
        assert!(
            def.contains(setting)
                && def.contains("halfvec_cosine_ops")
                && def.ends_with("WHERE embedding_indexed"),
            "{def}"
        );
        let next = format!("{table}_embedding_hnsw_next_idx");
        assert!(
            !cat.tables[table].indexes.contains_key(&next),
            "{next} left"
        );
        assert_eq!(
            index_valid(db, &format!("{table}_embedding_hnsw_idx")).await,
            Some(true)
        );
    }
}

#[tokio::test]
async fn the_denser_graph_blocks_no_writer_and_completes_a_stopped_run() {
    // A run stopped after replacing the graph of messages, before that of chunks.
    let db = graph_rebuild_under_writes(
        DENSER_GRAPH,
        "DROP INDEX messages_embedding_hnsw_idx; \
         CREATE INDEX messages_embedding_hnsw_idx ON messages \
         USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) \
         WITH (m = 32, ef_construction = 128) WHERE embedding_indexed",
    )
    .await;
    graphs_are(&db, "(m='32', ef_construction='128')").await;
    Migrator::down(db.conn(), Some(1)).await.expect("down");
    graphs_are(&db, "(m='16', ef_construction='128')").await;
    Migrator::up(db.conn(), Some(1)).await.expect("up again");
    graphs_are(&db, "(m='32', ef_construction='128')").await;
}

#[tokio::test]
async fn an_invalid_leftover_index_is_rebuilt() {
    let db = TestDb::migrated_until(HNSW).await;
    // What a failed CREATE INDEX CONCURRENTLY leaves behind: an index marked INVALID.
    db.conn()
        .execute_unprepared(
            "CREATE INDEX chunks_embedding_hnsw_idx ON chunks (id);
             UPDATE pg_index SET indisvalid = false
              WHERE indexrelid = 'chunks_embedding_hnsw_idx'::regclass",
        )
        .await
        .unwrap();
    assert_eq!(
        index_valid(&db, "chunks_embedding_hnsw_idx").await,
        Some(false)
    );
    Migrator::up(db.conn(), Some(1))
        .await
        .expect("rebuilds the leftover");
    assert_eq!(
        index_valid(&db, "chunks_embedding_hnsw_idx").await,
        Some(true)
    );
    let cat = db.catalog().await;
    assert!(
        cat.tables["chunks"].indexes["chunks_embedding_hnsw_idx"]
            .starts_with("hnsw (embedding vector_cosine_ops)"),
        "the leftover was replaced by the real index"
    );
}
