//! An attacker with SQL as the application login tries to leave itself a way back in (a sign-in
//! token that never expires, for someone else's address), to guess sign-in tokens, to learn
//! which tokens exist, and to read or rewrite every tenant's telemetry.

use entity::auth::{self, LOCKED_OUT};
use entity::secrets::token_hash;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use testkit::{AppLogin, TestDb, int};

fn in_minutes(m: i64) -> chrono::DateTime<chrono::FixedOffset> {
    (chrono::Utc::now() + chrono::Duration::minutes(m)).fixed_offset()
}

fn sqlstate(err: &DbErr) -> Option<String> {
    testkit::neonhub_db::sqlstate(err)
}

#[tokio::test]
async fn sign_in_tokens_are_signed_bounded_and_unique_per_identifier_only() {
    let db = TestDb::migrated().await;
    let app = AppLogin::new(&db).await;
    let conn = &app.conn;
    // The same hash for two identifiers: both made, nothing learnt about the other.
    for who in ["a@example.test", "b@example.test"] {
        auth::create_verification_token(conn, &app.key, who, "same-hash", in_minutes(10))
            .await
            .unwrap();
    }
    // Bounds: never more than 7 days, not in the past, an identifier of at most 320 characters
    // without control characters.
    let long = format!("{}@example.test", "x".repeat(320));
    for (who, expires, why) in [
        ("c@example.test", in_minutes(8 * 24 * 60), "7 days"),
        ("c@example.test", in_minutes(-1), "7 days"),
        (long.as_str(), in_minutes(10), "320 characters"),
        (
            "c@example.test\nX-Header: 1",
            in_minutes(10),
            "320 characters",
        ),
    ] {
        let err = auth::create_verification_token(conn, &app.key, who, "h", expires)
            .await
            .unwrap_err();
        assert!(err.to_string().contains(why), "{why}: {err}");
    }
    // 'infinity', and the signature of another token: refused.
    let sign = "SELECT auth_create_verification_token($1, 'h', $2::timestamptz, $3, $4)";
    let err = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sign,
            [
                "c@example.test".into(),
                "infinity".into(),
                app.key.id().into(),
                "0".repeat(64).into(),
            ],
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("7 days"), "{err}");
    // No table rights: the bound holds for rows as a CHECK too, for the owner's writes.
    let err = db
        .conn()
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO verification_tokens VALUES ($1, 'h', now())",
            [long.into()],
        ))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("verification_tokens_identifier_check"),
        "{err}"
    );
    app.drop_role().await;
}

#[tokio::test]
async fn guessing_locks_the_identifier_out() {
    let db = TestDb::migrated().await;
    let app = AppLogin::new(&db).await;
    let conn = &app.conn;
    let who = "victim@example.test";
    let right = token_hash("the-emailed-token");
    auth::create_verification_token(conn, &app.key, who, &right, in_minutes(10))
        .await
        .unwrap();
    for n in 0..5 {
        let ok = auth::use_verification_token(conn, who, &token_hash(&format!("guess-{n}")))
            .await
            .unwrap();
        assert!(!ok);
    }
    // Locked: even the right token is refused, with the lock-out's SQLSTATE.
    let err = auth::use_verification_token(conn, who, &right)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some(LOCKED_OUT), "{err}");
    // Another identifier is not affected.
    auth::create_verification_token(conn, &app.key, "other@example.test", "o", in_minutes(10))
        .await
        .unwrap();
    assert!(
        auth::use_verification_token(conn, "other@example.test", "o")
            .await
            .unwrap()
    );
    // Once the lock passes (15 minutes, moved back here), the right token works once, and a
    // success clears the count.
    db.conn()
        .execute_unprepared(
            "UPDATE neonhub_private.verification_attempts \
             SET locked_until = now() - interval '1 second', \
                 window_started_at = now() - interval '16 minutes'",
        )
        .await
        .unwrap();
    assert!(
        auth::use_verification_token(conn, who, &right)
            .await
            .unwrap()
    );
    assert_eq!(
        int(
            db.conn(),
            "SELECT count(*) FROM neonhub_private.verification_attempts"
        )
        .await,
        0
    );
    app.drop_role().await;
}

/// Twenty guesses at once on one identifier count like twenty in a row: the attempts take turns
/// on the identifier's row, so the burst cannot slip past the count.
#[tokio::test]
async fn a_burst_of_parallel_guesses_is_counted() {
    let db = TestDb::migrated().await;
    let app = AppLogin::new(&db).await;
    let who = "burst@example.test";
    let right = token_hash("right");
    auth::create_verification_token(&app.conn, &app.key, who, &right, in_minutes(10))
        .await
        .unwrap();
    let url = app.url.clone();
    let guesses: Vec<_> = (0..20)
        .map(|n| {
            let url = url.clone();
            tokio::spawn(async move {
                let c = testkit::neonhub_db::connect(&url, std::time::Duration::from_secs(10), 1)
                    .await
                    .unwrap();
                let r = auth::use_verification_token(&c, who, &token_hash(&format!("g{n}"))).await;
                c.close().await.ok();
                r
            })
        })
        .collect();
    let mut locked = 0;
    for g in guesses {
        match g.await.unwrap() {
            Ok(ok) => assert!(!ok),
            Err(e) => {
                assert_eq!(sqlstate(&e).as_deref(), Some(LOCKED_OUT), "{e}");
                locked += 1;
            }
        }
    }
    assert_eq!(locked, 15, "five guesses, then the lock");
    let err = auth::use_verification_token(&app.conn, who, &right)
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err).as_deref(), Some(LOCKED_OUT));
    app.drop_role().await;
}

#[tokio::test]
async fn telemetry_is_write_only_for_the_application() {
    let db = TestDb::migrated().await;
    let app = AppLogin::new(&db).await;
    let conn = &app.conn;
    conn.execute_unprepared(
        "INSERT INTO metric_events (type, meta) VALUES ('page_view', '{}') RETURNING id",
    )
    .await
    .expect("the application records events");
    for sql in [
        "SELECT type, meta FROM metric_events",
        "UPDATE metric_events SET type = 'forged'",
        "DELETE FROM metric_events",
    ] {
        let err = conn.execute_unprepared(sql).await.unwrap_err();
        assert!(
            err.to_string().contains("permission denied"),
            "{sql}: {err}"
        );
    }
    assert_eq!(
        int(db.conn(), "SELECT count(*) FROM metric_events").await,
        1
    );
    app.drop_role().await;
}
