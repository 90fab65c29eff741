//! An attacker with arbitrary SQL as the application login tries to choose a tenant without a
//! credential: by the old settings, by forging the context, by replaying a real one on another
//! connection or in another transaction, and with credentials that are not a live membership.
//! Every table is enumerated from the catalog.

use crate::common;

use common::rls::{TwoTenants as World, count, insert_json, rls_tables, row_json, row_of};
use entity::auth;
use entity::secrets::token_hash;
use entity::tenant::{Credential, Tenant, TicketKey, TicketKeys, enter, with_tenant};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement,
    TransactionTrait,
};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use testkit::{AppLogin, TestDb};
use uuid::Uuid;

/// A connection of its own as the application login (one backend).
async fn one_connection(w: &World) -> DatabaseConnection {
    testkit::neonhub_db::connect(&w.app.url, Duration::from_secs(10), 1)
        .await
        .unwrap()
}

/// Every table with row-level security that the application may read, but the global
/// catalogue (`verification_tokens`, with no table rights at all, is out of reach already).
async fn tenant_tables(db: &TestDb) -> Vec<String> {
    let mut out = Vec::new();
    for t in rls_tables(db).await {
        let readable = count(
            db.conn(),
            "SELECT has_table_privilege('neonhub_app', $1, 'SELECT')::int::bigint",
            vec![t.clone().into()],
        )
        .await;
        if t != "connectors" && readable == 1 {
            out.push(t);
        }
    }
    out
}

/// In `txn` (whatever context it carries), B's rows are out of reach: every table reads 0 rows,
/// an UPDATE or DELETE of B's fixture row affects none, an INSERT of a copy of it is refused.
async fn nothing_of_b(w: &World, txn: &DatabaseTransaction, tables: &[String], how: &str) {
    for table in tables {
        let n = count(txn, &format!("SELECT count(*) FROM {table}"), vec![]).await;
        assert_eq!(n, 0, "{how}: {table} shows {n} rows");
        let (cond, val) = row_of(table, &w.b);
        for sql in [
            format!(
                "UPDATE {table} SET {col} = {col} WHERE {cond}",
                col = key_column(table)
            ),
            format!("DELETE FROM {table} WHERE {cond}"),
        ] {
            txn.execute_unprepared("SAVEPOINT s").await.unwrap();
            let result = txn
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    &sql,
                    [val.clone()],
                ))
                .await;
            match result {
                Ok(r) => assert_eq!(r.rows_affected(), 0, "{how}: {sql}"),
                Err(e) => assert!(
                    e.to_string().contains("permission denied"),
                    "{how}: {sql}: {e}"
                ),
            }
            txn.execute_unprepared("ROLLBACK TO SAVEPOINT s")
                .await
                .unwrap();
        }
        let mut copy = row_json(&w.db, table, &w.b).await;
        if copy.get("id").is_some() {
            copy["id"] = serde_json::json!(Uuid::now_v7());
        }
        txn.execute_unprepared("SAVEPOINT s").await.unwrap();
        let inserted = txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                insert_json(table),
                [copy.into()],
            ))
            .await;
        assert!(
            inserted.is_err(),
            "{how}: a copy of B's {table} row went in"
        );
        txn.execute_unprepared("ROLLBACK TO SAVEPOINT s")
            .await
            .unwrap();
    }
}

fn key_column(table: &str) -> &'static str {
    if table == "role_permissions" {
        "role_id"
    } else {
        "id"
    }
}

/// The old settings, and a context forged in the right shape (B's organization and user, this
/// backend, this transaction) with a made-up MAC: nothing of B.
#[tokio::test]
async fn a_forged_context_selects_and_writes_nothing() {
    let w = World::new().await;
    let tables = tenant_tables(&w.db).await;
    assert!(tables.len() >= 47, "{tables:?}");
    let (org_b, bob) = (w.b["organizations"], w.b["users"]);
    let txn = w.app.conn.begin().await.unwrap();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT set_config('app.current_org_id', $1::text, true), \
                set_config('app.current_user_id', $2::text, true)",
        [org_b.into(), bob.into()],
    ))
    .await
    .unwrap();
    nothing_of_b(&w, &txn, &tables, "the old settings").await;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT set_config('neonhub.tenant', $1::text || '|' || $2::text || '|' || pg_backend_pid() \
                || '|' || (extract(epoch FROM now()) * 1000000)::bigint || '|' || repeat('a', 64), true)",
        [org_b.into(), bob.into()],
    ))
    .await
    .unwrap();
    nothing_of_b(&w, &txn, &tables, "a forged context").await;
    let readers = count(
        &txn,
        "SELECT count(*) FROM (SELECT app_current_org_id() o, app_current_user_id() u) x \
         WHERE o IS NULL AND u IS NULL",
        vec![],
    )
    .await;
    assert_eq!(readers, 1, "the readers see no context");
    txn.rollback().await.unwrap();
    w.app.drop_role().await;
}

/// A real context of B, copied: on another connection, and on the same connection in a later
/// transaction, it selects nothing.
#[tokio::test]
async fn a_real_context_replayed_elsewhere_selects_nothing() {
    let w = World::new().await;
    let tables = tenant_tables(&w.db).await;
    let (x, y) = (one_connection(&w).await, one_connection(&w).await);
    let as_b = w
        .app
        .ticket(Tenant::new(w.b["organizations"]).acting_as(w.b["users"]));
    let txn = x.begin().await.unwrap();
    enter(&txn, &as_b).await.unwrap();
    assert_eq!(count(&txn, "SELECT count(*) FROM brands", vec![]).await, 1);
    let stolen: String = txn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_setting('neonhub.tenant')",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    // Another connection, while B's transaction is still open.
    let other = y.begin().await.unwrap();
    other
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT set_config('neonhub.tenant', $1, true)",
            [stolen.clone().into()],
        ))
        .await
        .unwrap();
    nothing_of_b(&w, &other, &tables, "B's context on another connection").await;
    other.rollback().await.unwrap();
    txn.commit().await.unwrap();
    // The same connection, a later transaction.
    let later = x.begin().await.unwrap();
    later
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT set_config('neonhub.tenant', $1, true)",
            [stolen.into()],
        ))
        .await
        .unwrap();
    nothing_of_b(&w, &later, &tables, "B's context in a later transaction").await;
    later.rollback().await.unwrap();
    // Nor does the context outlive its transaction on a pooled connection.
    let after = x.begin().await.unwrap();
    assert_eq!(
        count(&after, "SELECT count(*) FROM brands", vec![]).await,
        0
    );
    after.rollback().await.unwrap();
    x.close().await.ok();
    y.close().await.ok();
    w.app.drop_role().await;
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Try to enter with `credential` in a transaction of its own: the context, or the error text.
async fn try_enter(
    app: &AppLogin,
    credential: &Credential,
) -> Result<entity::tenant::Context, String> {
    let txn = app.conn.begin().await.unwrap();
    let result = enter(&txn, credential).await.map_err(|e| e.to_string());
    txn.rollback().await.unwrap();
    result
}

#[tokio::test]
async fn only_a_live_credential_of_an_active_member_enters() {
    let w = World::new().await;
    let (org_a, alice, org_b, bob) = (
        w.a["organizations"],
        w.a["users"],
        w.b["organizations"],
        w.b["users"],
    );
    let app = &w.app;
    // A session of Alice's, with a token the test knows.
    w.owner(
        "UPDATE sessions SET token_hash = $1, expires_at = now() + interval '1 hour' WHERE id = $2",
        vec![token_hash("alice-session").into(), w.a["sessions"].into()],
    )
    .await;
    let in_a = try_enter(
        app,
        &Credential::session_token("alice-session", Some(org_a)),
    )
    .await
    .unwrap();
    assert_eq!(
        (in_a.organization_id, in_a.user_id),
        (Some(org_a), Some(alice))
    );
    let own = try_enter(app, &Credential::session_token("alice-session", None))
        .await
        .unwrap();
    assert_eq!((own.organization_id, own.user_id), (None, Some(alice)));
    // Her session names B: she is no member of B.
    let err = try_enter(
        app,
        &Credential::session_token("alice-session", Some(org_b)),
    )
    .await
    .unwrap_err();
    assert!(err.contains("not an active member"), "{err}");
    for (token, why) in [("made-up", "unknown"), ("alice-session", "expired")] {
        if why == "expired" {
            w.owner(
                "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
                vec![w.a["sessions"].into()],
            )
            .await;
        }
        let err = try_enter(app, &Credential::session_token(token, Some(org_a)))
            .await
            .unwrap_err();
        assert!(err.contains("no live session"), "{why}: {err}");
    }

    // An API key of A: its organization, as its creator, while the creator is an active member.
    w.owner(
        "UPDATE api_keys SET token_hash = $1, revoked_at = NULL, expires_at = NULL WHERE id = $2",
        vec![token_hash("nh_live_a").into(), w.a["api_keys"].into()],
    )
    .await;
    let key = try_enter(app, &Credential::api_key("nh_live_a"))
        .await
        .unwrap();
    assert_eq!(
        (key.organization_id, key.user_id, key.api_key_id),
        (Some(org_a), Some(alice), Some(w.a["api_keys"]))
    );
    w.owner(
        "UPDATE organization_members SET status = 'suspended' WHERE user_id = $1",
        vec![alice.into()],
    )
    .await;
    let err = try_enter(app, &Credential::api_key("nh_live_a"))
        .await
        .unwrap_err();
    assert!(err.contains("no usable API key"), "{err}");
    assert_eq!(
        auth::api_key_by_token_hash(&app.conn, &token_hash("nh_live_a"))
            .await
            .unwrap(),
        None,
        "the lookup refuses a key whose creator is no longer an active member"
    );
    w.owner(
        "UPDATE organization_members SET status = 'active' WHERE user_id = $1",
        vec![alice.into()],
    )
    .await;

    // Tickets: a worker of A, a member of A; refused when not a member, expired, valid too
    // long, tampered with, or signed with a key the database does not have or retired.
    let worker = try_enter(app, &app.key.worker(org_a)).await.unwrap();
    assert_eq!(
        (worker.organization_id, worker.user_id),
        (Some(org_a), None)
    );
    let member = Tenant::new(org_a).acting_as(alice);
    assert!(try_enter(app, &app.ticket(member)).await.is_ok());
    let refusals: Vec<(Credential, &str)> = vec![
        (
            app.ticket(Tenant::new(org_a).acting_as(bob)),
            "not an active member",
        ),
        (
            Credential::Ticket(app.key.sign_until(member, unix_now() - 1)),
            "expired",
        ),
        (
            Credential::Ticket(app.key.sign_until(member, unix_now() + 3_600)),
            "more than 300 seconds",
        ),
        (
            {
                let Credential::Ticket(t) = app.ticket(member) else {
                    unreachable!()
                };
                let mut text = t.as_str().to_owned();
                let last = text.pop().unwrap();
                text.push(if last == '0' { '1' } else { '0' });
                raw_ticket(&text)
            },
            "signature does not match",
        ),
        (
            TicketKey::generate("test").unwrap().ticket(member),
            "signature does not match",
        ),
        (
            TicketKey::generate("stranger").unwrap().ticket(member),
            "unknown or retired key",
        ),
        (
            raw_ticket(&format!(
                "nht1:test:{org_a}:{alice}:{}:xyz",
                unix_now() + 30
            )),
            "malformed",
        ),
    ];
    for (credential, expected) in &refusals {
        let err = try_enter(app, credential).await.unwrap_err();
        assert!(err.contains(expected), "{credential:?}: {err}");
    }
    // Rotation: a new key list retires the old key.
    let next = TicketKey::generate("next").unwrap();
    TicketKeys::new([next.clone()])
        .unwrap()
        .install(w.db.conn())
        .await
        .unwrap();
    let err = try_enter(app, &app.ticket(member)).await.unwrap_err();
    assert!(err.contains("unknown or retired key"), "{err}");
    assert!(try_enter(app, &next.ticket(member)).await.is_ok());
    // And with_tenant rolls back and reports the refusal.
    let err = with_tenant(&app.conn, &app.ticket(member), |_| {
        Box::pin(async { Ok::<(), sea_orm::DbErr>(()) })
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("unknown or retired key"), "{err}");
    w.app.drop_role().await;
}

/// A ticket as text, for the tests that tamper with one.
fn raw_ticket(text: &str) -> Credential {
    Credential::Ticket(entity::tenant::Ticket::unchecked(text))
}

/// The enter functions are the only way in, are not open to PUBLIC, and name every object with
/// its schema; the private schema and its keys are out of the application's reach.
#[tokio::test]
async fn the_keys_are_out_of_the_applications_reach() {
    let w = World::new().await;
    let app = &w.app;
    for sql in [
        "SELECT * FROM neonhub_private.context_key",
        "SELECT * FROM neonhub_private.ticket_keys",
        "SELECT neonhub_private.hmac_hex(NULL, NULL, NULL)",
        "SELECT neonhub_private.install_ticket_key('evil', repeat('x', 32)::bytea)",
        "CREATE TABLE neonhub_private.x (y int)",
    ] {
        let err = app.conn.execute_unprepared(sql).await.unwrap_err();
        assert!(
            err.to_string().contains("permission denied"),
            "{sql}: {err}"
        );
    }
    let open = count(
        w.db.conn(),
        "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'public' AND p.proname LIKE 'tenant\\_enter\\_%'
            AND has_function_privilege('neonhub_app', p.oid, 'EXECUTE')
            AND NOT has_function_privilege('public', p.oid, 'EXECUTE') AND p.prosecdef",
        vec![],
    )
    .await;
    assert_eq!(
        open, 3,
        "three definer enter functions, for neonhub_app only"
    );
    w.app.drop_role().await;
}

/// Residual, pinned so that docs/DB_GOVERNANCE.md stays true: the planner's estimates are the
/// table's, not the tenant's, so EXPLAIN with another tenant's id tells roughly how many rows it
/// has (while the statement itself returns none).
#[tokio::test]
async fn planner_estimates_leak_row_counts_not_rows() {
    let w = World::new().await;
    let (org_a, org_b) = (w.a["organizations"], w.b["organizations"]);
    w.owner(
        "INSERT INTO campaign_metrics (campaign_id, organization_id, kind, value)
         SELECT $1, $2, 'clicks', g FROM generate_series(1, 800) g",
        vec![w.b["campaigns"].into(), org_b.into()],
    )
    .await;
    w.owner("ANALYZE campaign_metrics", vec![]).await;
    let txn = w.app.conn.begin().await.unwrap();
    enter(&txn, &w.app.ticket(Tenant::new(org_a)))
        .await
        .unwrap();
    let mut estimates = Vec::new();
    for org in [org_b, org_a] {
        let plan: serde_json::Value = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "EXPLAIN (FORMAT JSON) SELECT * FROM campaign_metrics WHERE organization_id = $1",
                [org.into()],
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
        estimates.push(plan[0]["Plan"]["Plan Rows"].as_f64().unwrap());
        let rows = count(
            &txn,
            "SELECT count(*) FROM campaign_metrics WHERE organization_id = $1",
            vec![org.into()],
        )
        .await;
        assert!(rows <= 1, "rows of {org}: {rows}");
    }
    txn.rollback().await.unwrap();
    assert!(
        estimates[0] > 100.0 * estimates[1].max(1.0) / 2.0,
        "B's 800 rows show in the estimate: {estimates:?}"
    );
    w.app.drop_role().await;
}
