//! `users.email` stored normalised (m20261207_010000 and 010100) on a database that already holds
//! users: existing addresses are normalised over several batches, writes are normalised by the
//! trigger, the check holds even with the trigger off, the plain unique key serves equality and
//! `auth_user_id_by_email`, two users whose addresses differ only by case or spaces stop the
//! migration with their ids (nothing applied), and down/up restores both states.

use migration::{Migrator, MigratorTrait};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use testkit::TestDb;

const FIRST: &str = "m20261207_010000_users_email_normalized";

async fn exec(db: &TestDb, sql: &str) {
    db.conn()
        .execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn existing_addresses_are_normalised_and_the_plain_key_serves_lookups() {
    let db = TestDb::migrated_until(FIRST).await;
    // 2,500 users (three backfill batches), every tenth with capitals and spaces.
    exec(
        &db,
        "INSERT INTO users (email)
         SELECT CASE WHEN g % 10 = 0 THEN '  User' || g || '@Example.TEST ' ELSE 'user' || g || '@example.test' END
           FROM generate_series(1, 2500) g",
    )
    .await;
    Migrator::up(db.conn(), None).await.expect("up");
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM users WHERE email <> lower(btrim(email))"
        )
        .await,
        0
    );
    assert_eq!(
        testkit::text(
            db.conn(),
            "SELECT email FROM users WHERE email LIKE 'user2500@%'"
        )
        .await,
        "user2500@example.test"
    );
    assert_eq!(
        testkit::text(
            db.conn(),
            "SELECT convalidated::text FROM pg_constraint WHERE conname = 'users_email_check'"
        )
        .await,
        "true"
    );
    // Writes in any case are stored normalised; the same address in another case is taken.
    exec(
        &db,
        "INSERT INTO users (email) VALUES ('  New.Person@Example.TEST  ')",
    )
    .await;
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM users WHERE email = 'new.person@example.test'"
        )
        .await,
        1
    );
    let taken = db
        .conn()
        .execute_unprepared("INSERT INTO users (email) VALUES ('NEW.PERSON@example.test')")
        .await
        .expect_err("the same address in capitals is taken");
    assert!(taken.to_string().contains("users_email_key"), "{taken}");
    exec(
        &db,
        "UPDATE users SET email = 'Renamed@Example.TEST' WHERE email = 'new.person@example.test'",
    )
    .await;
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM users WHERE email = 'renamed@example.test'"
        )
        .await,
        1
    );
    // The check holds when the trigger does not run (say, a restore with triggers off).
    exec(
        &db,
        "ALTER TABLE users DISABLE TRIGGER users_normalize_email",
    )
    .await;
    let refused = db
        .conn()
        .execute_unprepared("INSERT INTO users (email) VALUES ('Capital@example.test')")
        .await
        .expect_err("the check refuses a capital");
    assert!(
        refused.to_string().contains("users_email_check"),
        "{refused}"
    );
    exec(
        &db,
        "ALTER TABLE users ENABLE TRIGGER users_normalize_email",
    )
    .await;
    // The plain key serves equality, and the sign-in lookup normalises its argument.
    exec(&db, "ANALYZE users").await;
    let txn = db.conn().begin().await.unwrap();
    txn.execute_unprepared("SET LOCAL enable_seqscan = off")
        .await
        .unwrap();
    let explained: Vec<String> = txn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "EXPLAIN SELECT id FROM users WHERE email = 'user7@example.test'",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    txn.rollback().await.unwrap();
    assert!(
        explained.join(" ").contains("users_email_key"),
        "{explained:?}"
    );
    assert_eq!(
        testkit::text(
            db.conn(),
            "SELECT (auth_user_id_by_email(' USER20@Example.test ') = id)::text FROM users
              WHERE email = 'user20@example.test'"
        )
        .await,
        "true"
    );
    // Down restores the old key and lookup; up again the new ones.
    Migrator::down(db.conn(), Some(2)).await.expect("down");
    assert_eq!(
        testkit::text(
            db.conn(),
            "SELECT pg_get_indexdef('users_email_key'::regclass)"
        )
        .await,
        "CREATE UNIQUE INDEX users_email_key ON public.users USING btree (lower(email))"
    );
    Migrator::up(db.conn(), None).await.expect("up again");
    assert_eq!(
        testkit::text(
            db.conn(),
            "SELECT pg_get_indexdef('users_email_key'::regclass)"
        )
        .await,
        "CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)"
    );
}

#[tokio::test]
async fn addresses_that_differ_only_by_case_or_spaces_stop_the_migration() {
    let db = TestDb::migrated_until(FIRST).await;
    // The old key (lower(email)) lets these two in: they differ by spaces.
    exec(
        &db,
        "INSERT INTO users (id, email) VALUES
             ('0190a0a0-0000-7000-8000-0000000000a1', 'twin@example.test'),
             ('0190a0a0-0000-7000-8000-0000000000a2', ' Twin@Example.test')",
    )
    .await;
    let err = Migrator::up(db.conn(), None)
        .await
        .expect_err("the migration refuses");
    let message = err.to_string();
    assert!(
        message
            .contains("0190a0a0-0000-7000-8000-0000000000a1, 0190a0a0-0000-7000-8000-0000000000a2"),
        "{message}"
    );
    assert!(message.contains("more than one user"), "{message}");
    // Nothing of it was applied: no trigger, no check, the old key.
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'users_normalize_email'"
        )
        .await,
        0
    );
    assert_eq!(
        testkit::int(
            db.conn(),
            "SELECT count(*) FROM pg_constraint WHERE conname = 'users_email_check'"
        )
        .await,
        0
    );
    // Resolved by the operator, the migration goes through.
    exec(
        &db,
        "UPDATE users SET email = 'twin2@example.test' WHERE id = '0190a0a0-0000-7000-8000-0000000000a2'",
    )
    .await;
    Migrator::up(db.conn(), None)
        .await
        .expect("up after the fix");
}

#[tokio::test]
async fn an_address_taken_between_the_two_steps_stops_the_backfill_with_a_clear_message() {
    let db = TestDb::migrated_until(FIRST).await;
    exec(
        &db,
        "INSERT INTO users (email) VALUES (' Late@Example.test')",
    )
    .await;
    // Step 1 (the trigger and the NOT VALID check), then a new user takes the normalised form.
    Migrator::up(db.conn(), Some(1)).await.expect("step 1");
    exec(
        &db,
        "INSERT INTO users (email) VALUES ('late@example.test')",
    )
    .await;
    let err = Migrator::up(db.conn(), None)
        .await
        .expect_err("the backfill refuses");
    assert!(
        err.to_string()
            .contains("Another user holds the same address"),
        "{err}"
    );
}
