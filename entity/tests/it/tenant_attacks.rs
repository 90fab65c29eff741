//! An attacker inside a tenant: a login granted `neonhub_app`, acting for organization A (and
//! as A's user), tries to reach B's rows through writes, foreign keys, user rows, the audit
//! log and the lookups that run before a tenant is known. Every table, key and function is
//! enumerated from the catalog, so a table added tomorrow is attacked the day it is added.

use crate::common;

use common::rls::{
    as_tenant, attempt, count, fresh_natural_keys, insert_json, rls_tables, row_json, row_of,
};
use entity::auth;
use entity::tenant::{NOT_UNDER_RLS, Tenant, with_tenant};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use testkit::TestDb;
use uuid::Uuid;

/// Tables that are not a tenant's own data: global or identity tables.
const NOT_TENANT_PARENTS: [&str; 3] = ["users", "organizations", "connectors"];

/// Unique keys without the tenant column that answer before the foreign key (see the tests).
const KNOWN_UNIQUE_KEY_ORACLES: [&str; 0] = [];

/// A unique key is checked before the foreign keys: one that holds a tenant-scoped key column
/// without the tenant column would let a row naming B's parent collide with B's rows and so
/// reveal that the parent exists. Every such key leads with, or holds, the tenant column.
#[tokio::test]
async fn unique_keys_never_span_tenants() {
    let db = TestDb::migrated().await;
    let catalog = db.catalog().await;
    let scoped: Vec<(&str, &str)> = catalog
        .foreign_keys
        .iter()
        .filter(|fk| fk.columns.len() == 2)
        .map(|fk| (fk.table.as_str(), fk.columns[0].as_str()))
        .collect();
    assert!(scoped.len() >= 29, "{scoped:?}");
    let spanning: Vec<&str> = catalog
        .index_keys
        .iter()
        .filter(|(table, name, keys)| {
            name.ends_with("_key")
                && !keys
                    .iter()
                    .any(|k| k == "organization_id" || k == "user_id")
                && keys
                    .iter()
                    .any(|k| scoped.contains(&(table.as_str(), k.as_str())))
        })
        .map(|(_, name, _)| name.as_str())
        .collect();
    assert_eq!(spanning, KNOWN_UNIQUE_KEY_ORACLES);
}

fn refused(result: &Result<u64, String>) -> bool {
    match result {
        Ok(rows) => *rows == 0,
        Err(e) => {
            e.contains("row-level security")
                || e.contains("foreign key")
                || e.contains("permission denied")
                || e.contains("null value")
                || e.contains("cannot change")
                || e.contains("never moves")
                || e.contains("only the user themselves")
                || e.contains("duplicate key")
        }
    }
}

type World = common::rls::TwoTenants;

#[tokio::test]
async fn no_row_moves_to_another_tenant_or_to_no_tenant() {
    let w = World::new().await;
    let catalog = w.db.catalog().await;
    let mut attacked = 0;
    for (table, t) in catalog.schema_tables().filter(|(_, t)| t.row_security) {
        for column in ["organization_id", "user_id"] {
            if !t.columns.iter().any(|c| c.name == column) || table == "users" {
                continue;
            }
            let (cond, val) = row_of(table, &w.a);
            let owner_of_b = if column == "organization_id" {
                w.b["organizations"]
            } else {
                w.b["users"]
            };
            for target in [Some(owner_of_b), None] {
                let result = attempt(
                    &w.app,
                    &w.tenant_a(),
                    &format!("UPDATE {table} SET {column} = $2 WHERE {cond}"),
                    vec![val.clone(), target.into()],
                )
                .await;
                // Moving a user-level row's owner is only a question where the row is A's own:
                // the fixture rows of the organization tables name A's user; moving them to B's
                // user or to no user leaves the row the organization's (still A's).
                let org_row_user_column =
                    column == "user_id" && t.columns.iter().any(|c| c.name == "organization_id");
                if !org_row_user_column {
                    assert!(
                        refused(&result),
                        "{table}.{column} := {target:?} as A: {result:?}"
                    );
                }
                attacked += 1;
            }
        }
    }
    assert!(attacked >= 2 * 40, "only {attacked} attempts");
    // Moving a nullable-organization row into the private space of A's own user is refused.
    for table in [
        "tasks",
        "content_drafts",
        "agent_jobs",
        "feedback",
        "connector_auths",
        "team_members",
    ] {
        let (cond, val) = row_of(table, &w.a);
        let result = attempt(
            &w.app,
            &w.tenant_a(),
            &format!("UPDATE {table} SET organization_id = NULL WHERE {cond}"),
            vec![val],
        )
        .await;
        let err = result.expect_err(table);
        assert!(err.contains("cannot change once set"), "{table}: {err}");
    }
    w.app.drop_role().await;
}

#[tokio::test]
async fn no_row_points_into_another_tenant() {
    let w = World::new().await;
    let catalog = w.db.catalog().await;
    let rls: Vec<String> = rls_tables(&w.db).await;
    let mut attacked = Vec::new();
    let mut oracles = Vec::new();
    for fk in &catalog.foreign_keys {
        if !rls.contains(&fk.table)
            || !rls.contains(&fk.references)
            || NOT_TENANT_PARENTS.contains(&fk.references.as_str())
        {
            continue;
        }
        let column = &fk.columns[0];
        let (cond, val) = row_of(&fk.table, &w.a);
        // Repoint A's row at B's parent.
        let update = attempt(
            &w.app,
            &w.tenant_a(),
            &format!("UPDATE {} SET {column} = $2 WHERE {cond}", fk.table),
            vec![val, w.b[fk.references.as_str()].into()],
        )
        .await;
        assert!(refused(&update), "{}.{column} -> B: {update:?}", fk.table);
        assert!(
            update.is_err(),
            "{}.{column}: A's own row must exist",
            fk.table
        );
        // Insert a new row of A that names B's parent, and one that names a made-up id: the
        // same refusal, so an insert tells nothing about which of B's ids exist.
        let mut errors = Vec::new();
        for parent in [w.b[fk.references.as_str()], Uuid::now_v7()] {
            let mut row = row_json(&w.db, &fk.table, &w.a).await;
            if row.get("id").is_some() {
                row["id"] = serde_json::json!(Uuid::now_v7());
            }
            fresh_natural_keys(&catalog, &fk.table, column, &mut row);
            row[column.as_str()] = serde_json::json!(parent);
            let result = attempt(
                &w.app,
                &w.tenant_a(),
                &insert_json(&fk.table),
                vec![row.into()],
            )
            .await;
            let err = result.expect_err(&format!("{}.{column}: inserted", fk.table));
            assert!(refused(&Err(err.clone())), "{}.{column}: {err}", fk.table);
            errors.push(
                err.split(" constraint ")
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        if errors[0] != errors[1] && errors[0].contains("duplicate key") {
            oracles.push(format!("{}.{column}", fk.table));
            continue;
        }
        assert_eq!(
            errors[0], errors[1],
            "{}.{column}: B's id and a made-up id give different errors",
            fk.table
        );
        attacked.push(format!("{}.{column}", fk.table));
    }
    assert!(attacked.len() >= 30, "{attacked:?}");
    // Known residual (docs/DB_GOVERNANCE.md, "Trust boundary"): a natural unique key without
    // the tenant column is checked before the foreign key, so naming B's parent together with
    // a natural key B already uses answers "duplicate key" instead of the foreign-key error.
    // Pinned here: a new such key fails this test.
    oracles.sort();
    assert_eq!(
        oracles, KNOWN_UNIQUE_KEY_ORACLES,
        "unique keys that reveal B's ids"
    );
    w.app.drop_role().await;
}

#[tokio::test]
async fn users_are_written_only_by_themselves_and_memberships_hand_over_nothing() {
    let w = World::new().await;
    let (ua, ub) = (w.a["users"], w.b["users"]);
    let (oa, ob) = (w.a["organizations"], w.b["organizations"]);
    // A third user, member of both A and B.
    let both = Uuid::now_v7();
    w.owner(
        "INSERT INTO users (id, email) VALUES ($1, 'both@example.test')",
        vec![both.into()],
    )
    .await;
    for org in [oa, ob] {
        w.owner(
            "INSERT INTO organization_members (organization_id, user_id, status) VALUES ($1, $2, 'active')",
            vec![org.into(), both.into()],
        )
        .await;
    }
    let app = &w.app;
    let as_a = w.tenant_a();
    let visible = "SELECT count(*) FROM users WHERE id = $1";
    let txn = as_tenant(app, &as_a).await;
    assert_eq!(
        count(&txn, visible, vec![both.into()]).await,
        1,
        "a member is visible"
    );
    assert_eq!(
        count(&txn, visible, vec![ub.into()]).await,
        0,
        "a stranger is not"
    );
    txn.rollback().await.unwrap();
    for (sql, who) in [
        (
            "UPDATE users SET email = 'owned@example.test' WHERE id = $1",
            both,
        ),
        ("UPDATE users SET name = 'x' WHERE id = $1", both),
        ("DELETE FROM users WHERE id = $1", both),
        ("DELETE FROM users WHERE id = $1", ua),
    ] {
        let result = attempt(app, &as_a, sql, vec![who.into()]).await;
        assert!(refused(&result), "{sql} ({who}): {result:?}");
    }
    // Oneself: yes.
    let mine = attempt(
        app,
        &as_a,
        "UPDATE users SET name = 'me' WHERE id = $1",
        vec![ua.into()],
    )
    .await;
    assert_eq!(mine, Ok(1));
    // Every user-owned table: another user's rows are out of reach, even a co-member's.
    let catalog = w.db.catalog().await;
    for (table, t) in catalog.schema_tables() {
        let user_only =
            t.policies.values().all(|p| {
                p.contains("app_current_user_id()") && !p.contains("app_current_org_id()")
            }) && !t.policies.is_empty()
                && t.columns.iter().any(|c| c.name == "user_id");
        if !user_only {
            continue;
        }
        let (cond, val) = row_of(table, &w.b);
        for sql in [
            format!("UPDATE {table} SET user_id = user_id WHERE {cond}"),
            format!("DELETE FROM {table} WHERE {cond}"),
        ] {
            let as_b_member = Tenant::new(oa).acting_as(both);
            let result = attempt(app, &as_b_member, &sql, vec![val.clone()]).await;
            assert!(refused(&result), "{sql}: {result:?}");
        }
    }
    // Attaching B's user to A: only as invited, and it reveals nothing of them.
    let insert = "INSERT INTO organization_members (organization_id, user_id, status, invited_by_id) \
                  VALUES ($1, $2, $3, $4)";
    let active = attempt(
        app,
        &as_a,
        insert,
        vec![oa.into(), ub.into(), "active".into(), ua.into()],
    )
    .await;
    assert!(active.unwrap_err().contains("only the user themselves"));
    let txn = as_tenant(app, &as_a).await;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        insert,
        [oa.into(), ub.into(), "invited".into(), ua.into()],
    ))
    .await
    .expect("inviting is allowed");
    assert_eq!(
        count(&txn, visible, vec![ub.into()]).await,
        0,
        "invited: hidden"
    );
    let promote = txn
        .execute_unprepared(
            "UPDATE organization_members SET status = 'active' WHERE status = 'invited'",
        )
        .await
        .expect_err("the inviter activates the invitation");
    assert!(
        promote.to_string().contains("only the user themselves"),
        "{promote}"
    );
    txn.rollback().await.unwrap();
    let moved = attempt(
        app,
        &as_a,
        "UPDATE organization_members SET user_id = $1 WHERE user_id = $2",
        vec![ub.into(), both.into()],
    )
    .await;
    assert!(moved.unwrap_err().contains("never moves"));
    // The invited user accepts, acting as themselves (in no organization: they are not a member
    // yet, so they cannot enter A); then they are a member and enter A.
    let txn = as_tenant(app, &as_a).await;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        insert,
        [oa.into(), ub.into(), "invited".into(), ua.into()],
    ))
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let as_ub_in_a = Tenant::new(oa).acting_as(ub);
    let before = entity::tenant::enter(&app.conn, &app.ticket(as_ub_in_a)).await;
    assert!(
        before
            .unwrap_err()
            .to_string()
            .contains("not an active member"),
        "an invited user does not enter"
    );
    let txn = as_tenant(app, &Tenant::user(ub)).await;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT app_accept_invitation($1)",
        [oa.into()],
    ))
    .await
    .expect("the user accepts");
    txn.commit().await.unwrap();
    let txn = as_tenant(app, &as_ub_in_a).await;
    assert_eq!(
        count(&txn, "SELECT count(*) FROM organizations", vec![]).await,
        1
    );
    txn.rollback().await.unwrap();
    w.app.drop_role().await;
}

#[tokio::test]
async fn the_audit_log_is_append_only_for_the_application() {
    let w = World::new().await;
    let app = &w.app;
    let as_a = w.tenant_a();
    for sql in [
        "UPDATE audit_logs SET user_id = NULL",
        "UPDATE audit_logs SET action = 'forged'",
        "DELETE FROM audit_logs",
    ] {
        let err = attempt(app, &as_a, sql, vec![]).await.unwrap_err();
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }
    // Even after removing the actor's membership in the same transaction.
    let txn = as_tenant(app, &as_a).await;
    txn.execute_unprepared("DELETE FROM organization_members")
        .await
        .unwrap();
    let err = txn
        .execute_unprepared("UPDATE audit_logs SET user_id = NULL")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    txn.rollback().await.unwrap();
    let insert = attempt(
        app,
        &as_a,
        "INSERT INTO audit_logs (organization_id, user_id, action) VALUES ($1, $2, 'login')",
        vec![w.a["organizations"].into(), w.a["users"].into()],
    )
    .await;
    assert_eq!(insert, Ok(1), "the application writes new entries");
    // The owner deletes a user: the foreign key's SET NULL still clears the actor.
    w.owner("DELETE FROM users WHERE id = $1", vec![w.a["users"].into()])
        .await;
    let kept = count(
        w.db.conn(),
        "SELECT count(*) FROM audit_logs WHERE id = $1 AND user_id IS NULL",
        vec![w.a["audit_logs"].into()],
    )
    .await;
    assert_eq!(kept, 1, "the entry stays, without its actor");
    w.app.drop_role().await;
}

#[tokio::test]
async fn sign_in_lookups_are_narrow_definer_functions() {
    let w = World::new().await;
    let app = &w.app;
    // No table rights on verification tokens, with or without a tenant.
    for sql in [
        "SELECT count(*) FROM verification_tokens",
        "INSERT INTO verification_tokens VALUES ('x@example.test', 'h', now() + interval '1 hour')",
    ] {
        let err = app
            .conn
            .execute_unprepared(sql)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }
    // Every SECURITY DEFINER function of the schema has a fixed search_path and is not
    // executable by PUBLIC.
    let loose = count(
        w.db.conn(),
        "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = 'public' AND p.prosecdef
            AND (NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
                 OR has_function_privilege('public', p.oid, 'EXECUTE'))",
        vec![],
    )
    .await;
    assert_eq!(
        loose, 0,
        "definer functions without a fixed search_path or open to PUBLIC"
    );
    let stranger = format!(
        "neonhub_stranger_{}",
        &Uuid::now_v7().simple().to_string()[20..]
    );
    w.owner(&format!("CREATE ROLE {stranger} NOLOGIN"), vec![])
        .await;
    let denied = count(
        w.db.conn(),
        &format!(
            "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = 'public' AND p.proname LIKE 'auth\\_%'
                AND has_function_privilege('neonhub_app', p.oid, 'EXECUTE')
                AND NOT has_function_privilege('{stranger}', p.oid, 'EXECUTE')"
        ),
        vec![],
    )
    .await;
    w.owner(&format!("DROP ROLE {stranger}"), vec![]).await;
    assert_eq!(
        denied, 5,
        "the app may call the five auth functions, another role may not"
    );

    // Sessions and API keys by their hash: the one row, nothing for a wrong or expired hash.
    let session_hash = "session-hash-of-a";
    w.owner(
        "UPDATE sessions SET token_hash = $1, expires_at = now() + interval '1 hour' WHERE id = $2",
        vec![session_hash.into(), w.a["sessions"].into()],
    )
    .await;
    let found = auth::session_by_token_hash(&app.conn, session_hash)
        .await
        .unwrap()
        .expect("the session");
    assert_eq!(
        (found.session_id, found.user_id),
        (w.a["sessions"], w.a["users"])
    );
    assert_eq!(
        auth::session_by_token_hash(&app.conn, "nope")
            .await
            .unwrap(),
        None
    );
    let email: String =
        w.db.conn()
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT upper(email) FROM users WHERE id = $1",
                [w.b["users"].into()],
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
    assert_eq!(
        auth::user_id_by_email(&app.conn, &email).await.unwrap(),
        Some(w.b["users"])
    );
    let one = "SELECT count(*) FROM auth_session_by_token_hash($1)";
    assert_eq!(count(&app.conn, one, vec![session_hash.into()]).await, 1);
    assert_eq!(count(&app.conn, one, vec!["nope".into()]).await, 0);
    let user = count(
        &app.conn,
        "SELECT count(*) FROM auth_session_by_token_hash($1) WHERE user_id = $2",
        vec![session_hash.into(), w.a["users"].into()],
    )
    .await;
    assert_eq!(user, 1, "the session's user");
    w.owner(
        "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1",
        vec![w.a["sessions"].into()],
    )
    .await;
    assert_eq!(
        count(&app.conn, one, vec![session_hash.into()]).await,
        0,
        "expired"
    );
    let key_hash = "api-key-hash-of-b";
    w.owner(
        "UPDATE api_keys SET token_hash = $1, revoked_at = NULL, expires_at = NULL WHERE id = $2",
        vec![key_hash.into(), w.b["api_keys"].into()],
    )
    .await;
    let key = "SELECT count(*) FROM auth_api_key_by_token_hash($1) WHERE organization_id = $2";
    assert_eq!(
        count(
            &app.conn,
            key,
            vec![key_hash.into(), w.b["organizations"].into()]
        )
        .await,
        1
    );
    let live = auth::api_key_by_token_hash(&app.conn, key_hash)
        .await
        .unwrap()
        .expect("the key");
    assert_eq!(
        (live.api_key_id, live.organization_id),
        (w.b["api_keys"], w.b["organizations"])
    );
    w.owner(
        "UPDATE api_keys SET revoked_at = now() WHERE id = $1",
        vec![w.b["api_keys"].into()],
    )
    .await;
    assert_eq!(
        count(
            &app.conn,
            key,
            vec![key_hash.into(), w.b["organizations"].into()]
        )
        .await,
        0,
        "revoked"
    );

    let key = auth::api_key_by_token_hash(&app.conn, key_hash)
        .await
        .unwrap();
    assert_eq!(key, None, "revoked keys are not found");
    // A verification token: created and used once through the functions only.
    let expires = (chrono::Utc::now() + chrono::Duration::minutes(10)).fixed_offset();
    auth::create_verification_token(
        &app.conn,
        &app.key,
        "wrapped@example.test",
        "wrapped-hash",
        expires,
    )
    .await
    .unwrap();
    assert!(
        auth::use_verification_token(&app.conn, "wrapped@example.test", "wrapped-hash")
            .await
            .unwrap()
    );
    assert!(
        !auth::use_verification_token(&app.conn, "wrapped@example.test", "wrapped-hash")
            .await
            .unwrap()
    );
    // Unsigned (or signed with a made-up signature): refused; signed by the API's key: made.
    let forged = "SELECT count(*) FROM (SELECT auth_create_verification_token($1, $2, \
                  now() + interval '10 minutes', $3, repeat('0', 64))) x";
    let err = app
        .conn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            forged,
            [
                "new@example.test".into(),
                "vt-hash".into(),
                app.key.id().into(),
            ],
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not signed"), "{err}");
    auth::create_verification_token(&app.conn, &app.key, "new@example.test", "vt-hash", expires)
        .await
        .unwrap();
    let use_it = "SELECT auth_use_verification_token($1, $2)::int::bigint";
    assert_eq!(
        count(
            &app.conn,
            use_it,
            vec!["new@example.test".into(), "vt-hash".into()]
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app.conn,
            use_it,
            vec!["new@example.test".into(), "vt-hash".into()]
        )
        .await,
        0,
        "used once"
    );
    assert_eq!(
        count(
            &app.conn,
            use_it,
            vec!["other@example.test".into(), "vt-hash".into()]
        )
        .await,
        0
    );
    w.app.drop_role().await;
}

#[tokio::test]
async fn tenant_functions_ignore_temporary_objects_and_the_owner_is_refused() {
    let w = World::new().await;
    // The application login may not create temporary objects (migration m20261207_000600).
    let txn = as_tenant(&w.app, &w.tenant_a()).await;
    let err = txn
        .execute_unprepared("CREATE TEMP TABLE uuid (x int)")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    txn.rollback().await.unwrap();
    // On a database copied without that REVOKE (CREATE DATABASE … TEMPLATE does not copy
    // database privileges), the context readers and policies still ignore temporary objects.
    w.owner(
        &format!("GRANT TEMPORARY ON DATABASE \"{}\" TO PUBLIC", w.db.name()),
        vec![],
    )
    .await;
    // One connection, as a pooled one that a request poisons and the next request gets.
    let one = testkit::neonhub_db::connect(&w.app.url, std::time::Duration::from_secs(10), 1)
        .await
        .unwrap();
    let txn = one.begin().await.unwrap();
    entity::tenant::enter(&txn, &w.app.ticket(w.tenant_a()))
        .await
        .unwrap();
    // A temporary table named `uuid` shadows the type `uuid` for unqualified names.
    txn.execute_unprepared("CREATE TEMP TABLE uuid (x int)")
        .await
        .unwrap();
    let same = count(
        &txn,
        "SELECT (app_current_org_id() = $1 AND app_current_user_id() = $2)::int::bigint",
        vec![w.a["organizations"].into(), w.a["users"].into()],
    )
    .await;
    assert_eq!(same, 1);
    let brands = count(&txn, "SELECT count(*) FROM brands", vec![]).await;
    assert_eq!(brands, 1, "policies still select A's rows");
    txn.commit().await.unwrap();
    // The temporary table outlives the transaction on that connection (a poisoned pooled
    // connection): entering a tenant there is refused.
    let poisoned = with_tenant(&one, &w.app.ticket(w.tenant_a()), |_| {
        Box::pin(async { Ok::<(), sea_orm::DbErr>(()) })
    })
    .await;
    let err = poisoned.unwrap_err().to_string();
    assert!(err.contains("temporary objects"), "{err}");
    one.close().await.ok();
    // On the owner's connection a tenant would filter nothing: refused, with the fix named.
    let err = with_tenant(w.db.conn(), &w.app.ticket(w.tenant_a()), |_| {
        Box::pin(async { Ok::<(), sea_orm::DbErr>(()) })
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains(NOT_UNDER_RLS), "{err}");
    assert!(err.to_string().contains("neonhub_app"), "{err}");
    w.app.drop_role().await;
}

#[tokio::test]
async fn children_get_their_tenant_from_their_parent_and_only_a_visible_one() {
    let w = World::new().await;
    let app = &w.app;
    let insert = "INSERT INTO campaign_metrics (campaign_id, kind) VALUES ($1, 'clicks') RETURNING organization_id";
    let txn = as_tenant(app, &w.tenant_a()).await;
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            insert,
            [w.a["campaigns"].into()],
        ))
        .await
        .unwrap()
        .unwrap();
    let org: Uuid = row.try_get_by_index(0).unwrap();
    assert_eq!(org, w.a["organizations"], "filled from the parent");
    txn.rollback().await.unwrap();
    let err = attempt(app, &w.tenant_a(), insert, vec![w.b["campaigns"].into()])
        .await
        .unwrap_err();
    assert!(
        err.contains("null value") || err.contains("row-level security"),
        "{err}"
    );
    w.app.drop_role().await;
}
