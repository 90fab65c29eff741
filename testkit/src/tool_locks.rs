//! The tools' locks attacked as an application login would (issue: a login granted
//! `neonhub_app` took the tools' advisory locks and stalled deploys forever): hold every
//! advisory lock the tools used before their table locks ([`hold_former_advisory_locks`]),
//! and check that the tool locks themselves are refused ([`assert_tool_locks_refused`]).

use neonhub_db::{AdvisoryLock, ToolLockName};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};

/// The names the tools derived their advisory lock keys from ([`AdvisoryLock::key_for`]) before
/// the tool locks: the migration runner, the seeder (transaction-level, same key space), and
/// `vector-maintain`.
pub const FORMER_LOCK_NAMES: [&str; 3] = [
    "neonhub:migrations",
    "neonhub:seed",
    "neonhub:vector-maintain",
];

/// Every advisory lock the tools used, taken on one connection of `conn` inside a transaction
/// that the caller keeps open: each key as one 64-bit key and as the pair of its 32-bit halves
/// (a separate key space), session-level and transaction-level. Checks that all of them are
/// granted. Roll the transaction back and close `conn` to let go.
///
/// # Panics
/// When a lock is not granted.
pub async fn hold_former_advisory_locks(conn: &DatabaseConnection) -> DatabaseTransaction {
    let txn = conn.begin().await.expect("begin as the login");
    let mut statements = Vec::new();
    for name in FORMER_LOCK_NAMES {
        let key = AdvisoryLock::key_for(name);
        let (high, low) = ((key >> 32) as i32, key as i32);
        statements.push(format!(
            "SELECT pg_advisory_lock({key}), pg_advisory_xact_lock({key}), \
                    pg_advisory_lock({high}, {low}), pg_advisory_xact_lock({high}, {low})"
        ));
    }
    for sql in &statements {
        txn.execute_unprepared(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let held = crate::int(
        &txn,
        "SELECT count(*) FROM pg_locks \
          WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted",
    )
    .await;
    // Each (key, form) pair is one lock, held in both the session and the transaction.
    assert!(
        held >= 2 * FORMER_LOCK_NAMES.len() as i64,
        "only {held} advisory locks held"
    );
    txn
}

/// As the login of `conn`: every tool lock that exists in the database is refused ("permission
/// denied", SQLSTATE 42501) in ACCESS EXCLUSIVE and in ACCESS SHARE mode, and the lock schema
/// can be neither created nor written. Returns how many lock tables were tried.
///
/// # Panics
/// When anything is allowed.
pub async fn assert_tool_locks_refused(conn: &DatabaseConnection) -> usize {
    let mut tried = 0;
    for name in ToolLockName::ALL {
        let table = name.table();
        // From the catalog: to_regclass needs USAGE on the schema, which the login lacks.
        let exists = crate::int(
            conn,
            &format!(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                  WHERE n.nspname = '{}' AND c.relname = '{}'",
                neonhub_db::tool_lock::LOCK_SCHEMA,
                name.as_str()
            ),
        )
        .await;
        if exists == 0 {
            continue;
        }
        tried += 1;
        for mode in ["ACCESS EXCLUSIVE", "ACCESS SHARE"] {
            let sql = format!("LOCK TABLE {table} IN {mode} MODE NOWAIT");
            assert_refused(conn, &sql).await;
        }
    }
    let schema = neonhub_db::tool_lock::LOCK_SCHEMA;
    assert_refused(conn, &format!("CREATE SCHEMA {schema}")).await;
    assert_refused(conn, &format!("CREATE SCHEMA IF NOT EXISTS {schema}")).await;
    if tried > 0 {
        assert_refused(conn, &format!("CREATE TABLE {schema}.squatter ()")).await;
    }
    tried
}

async fn assert_refused(conn: &DatabaseConnection, sql: &str) {
    let txn = conn.begin().await.expect("begin as the login");
    let result = txn.execute_unprepared(sql).await;
    txn.rollback().await.ok();
    match result {
        Ok(_) => panic!("the application login may run {sql}"),
        Err(err) => assert_eq!(
            neonhub_db::sqlstate(&err).as_deref(),
            Some("42501"),
            "{sql}: expected permission denied, got {err}"
        ),
    }
}
