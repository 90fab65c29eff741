//! The tool locks (`neonhub_locks.<tool>`): exclusive, released with their session, proven by
//! `still_held`, created once by first runs that race, with no right for anyone but the owner,
//! and without DDL once they exist.

use neonhub_db::{DbError, ToolLock, ToolLockName};
use sea_orm::ConnectionTrait;
use std::time::Duration;
use testkit::TestDb;

const SECONDS: Duration = Duration::from_secs(10);

async fn acquire(db: &TestDb, name: ToolLockName, wait: Duration) -> Result<ToolLock, DbError> {
    ToolLock::acquire(db.url(), name, SECONDS, wait).await
}

async fn holder_pid(db: &TestDb, name: ToolLockName) -> i64 {
    testkit::int(
        db.conn(),
        &format!(
            "SELECT coalesce(max(pid), 0)::bigint FROM pg_locks \
              WHERE relation = to_regclass('{}') AND granted",
            name.table()
        ),
    )
    .await
}

#[tokio::test]
async fn first_runs_at_once_create_the_locks_once_with_no_right_for_anyone() {
    let db = TestDb::migrated().await;
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let url = db.url().clone();
            let name = ToolLockName::ALL[i % ToolLockName::ALL.len()];
            tokio::spawn(async move {
                let lock = ToolLock::acquire(&url, name, SECONDS, Duration::from_secs(60)).await?;
                tokio::time::sleep(Duration::from_millis(50)).await;
                lock.release().await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("every first run gets its lock");
    }
    for name in ToolLockName::ALL {
        let table = name.table();
        for (what, sql) in [
            (
                "no grant on the table",
                format!(
                    "SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a \
                      WHERE c.oid = '{table}'::regclass AND a.grantee <> c.relowner"
                ),
            ),
            (
                "the application role may not lock it",
                format!(
                    "SELECT count(*) FROM (VALUES (has_table_privilege('neonhub_app', \
                     '{table}', 'UPDATE,DELETE,TRUNCATE,SELECT'))) v(p) WHERE p"
                ),
            ),
        ] {
            assert_eq!(testkit::int(db.conn(), &sql).await, 0, "{what}: {table}");
        }
    }
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM pg_namespace n, aclexplode(n.nspacl) a \
              WHERE n.nspname = 'neonhub_locks' AND a.grantee <> n.nspowner",
        )
        .await,
        0,
        "no grant on the schema"
    );
    assert!(
        !testkit::text(
            db.conn(),
            "SELECT has_schema_privilege('neonhub_app', 'neonhub_locks', 'USAGE')::text"
        )
        .await
        .starts_with('t')
    );
}

#[tokio::test]
async fn a_lock_is_exclusive_proven_while_held_and_gone_with_its_session() {
    let db = TestDb::migrated().await;
    let first = acquire(&db, ToolLockName::Migrations, SECONDS)
        .await
        .unwrap();
    first.still_held().await.unwrap();
    let pid = holder_pid(&db, ToolLockName::Migrations).await;
    assert!(pid > 0);

    // A second run waits, then names the holder; another tool's lock is independent.
    let err = acquire(&db, ToolLockName::Migrations, Duration::from_millis(600))
        .await
        .err()
        .expect("the lock is held");
    match &err {
        DbError::LockTimeout {
            lock,
            holder: Some(holder),
            ..
        } => {
            assert_eq!(lock, "migrations");
            assert_eq!(i64::from(holder.pid), pid);
            assert!(holder.state.starts_with("idle in transaction"), "{holder}");
            assert!(
                holder.seconds.is_some() && holder.since.is_some(),
                "{holder}"
            );
        }
        other => panic!("{other}"),
    }
    acquire(&db, ToolLockName::Seed, SECONDS)
        .await
        .unwrap()
        .release()
        .await
        .unwrap();

    // Its session ended (a stale-looking holder terminated): still_held says so.
    testkit::int(
        db.conn(),
        &format!("SELECT count(*) FROM (SELECT pg_terminate_backend({pid})) t"),
    )
    .await;
    let lost = first.still_held().await.expect_err("the session is gone");
    assert!(matches!(lost, DbError::LockLost { .. }), "{lost}");
    assert!(lost.to_string().contains("Run the tool again"), "{lost}");
    first.release().await.ok();
    // And the next run gets the lock at once.
    acquire(&db, ToolLockName::Migrations, Duration::from_millis(600))
        .await
        .expect("free again")
        .release()
        .await
        .unwrap();

    // A holder dropped without release (a panic unwinding): its connection closes, the lock
    // goes with it.
    let dropped = acquire(&db, ToolLockName::Migrations, SECONDS)
        .await
        .unwrap();
    drop(dropped);
    acquire(&db, ToolLockName::Migrations, SECONDS)
        .await
        .expect("the dropped holder's lock is gone")
        .release()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_normal_run_does_no_ddl() {
    let db = TestDb::migrated().await;
    acquire(&db, ToolLockName::Purge, SECONDS)
        .await
        .unwrap()
        .release()
        .await
        .unwrap();
    // From now on any DDL in this database fails: the lock is still taken.
    db.conn()
        .execute_unprepared(
            "CREATE FUNCTION no_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'DDL: %', tg_tag; END $$;
             CREATE EVENT TRIGGER no_ddl ON ddl_command_start EXECUTE FUNCTION no_ddl()",
        )
        .await
        .unwrap();
    let lock = acquire(&db, ToolLockName::Purge, SECONDS).await;
    db.conn()
        .execute_unprepared("DROP EVENT TRIGGER no_ddl; DROP FUNCTION no_ddl()")
        .await
        .unwrap();
    lock.expect("no DDL once the table exists")
        .release()
        .await
        .unwrap();
}
