//! An attacker inside their own organization (Mallory, manager of A) tries to take over another
//! user (Bob, of B) through the columns that name people, through the rows an organization
//! leaves behind when it is deleted, and through memberships and roles; a plain member tries to
//! raise themselves. Columns naming users are enumerated from the catalog's foreign keys.

use crate::common;

use common::rls::{as_tenant, attempt, count, fresh_natural_keys, insert_json, row_json, row_of};
use entity::tenant::Tenant;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use testkit::TestDb;
use uuid::Uuid;

type World = common::rls::TwoTenants;

impl World {
    async fn make_member(&self, org: Uuid, user: Uuid, role: Option<Uuid>) {
        self.owner(
            "INSERT INTO organization_members (organization_id, user_id, role_id, status) \
             VALUES ($1, $2, $3, 'active')",
            vec![org.into(), user.into(), role.into()],
        )
        .await;
    }

    async fn new_user(&self, email: &str) -> Uuid {
        let id = Uuid::now_v7();
        self.owner(
            "INSERT INTO users (id, email) VALUES ($1, $2)",
            vec![id.into(), email.into()],
        )
        .await;
        id
    }
}

/// (table, column) of every column naming a user on a table with an organization, but the
/// memberships (their own rules).
async fn user_columns(db: &TestDb) -> Vec<(String, String)> {
    let catalog = db.catalog().await;
    let with_org: Vec<String> = catalog
        .schema_tables()
        .filter(|(_, t)| t.columns.iter().any(|c| c.name == "organization_id"))
        .map(|(n, _)| n.clone())
        .collect();
    catalog
        .foreign_keys
        .iter()
        .filter(|fk| {
            fk.references == "users"
                && fk.columns.len() == 1
                && fk.table != "organization_members"
                && with_org.contains(&fk.table)
        })
        .map(|fk| (fk.table.clone(), fk.columns[0].clone()))
        .collect()
}

/// Columns that must name the acting user, whoever else is a member.
const ACTING_USER_ONLY: [(&str, &str); 2] =
    [("api_keys", "created_by_id"), ("audit_logs", "user_id")];

/// Insert a copy of A's fixture row of `table` (new id and natural keys; A's own row deleted
/// first, in the same transaction, so that keys holding user columns cannot collide) with
/// `column` = `who`, as Mallory, rolled back: the rows inserted or the error.
async fn insert_naming(w: &World, table: &str, column: &str, who: Uuid) -> Result<u64, String> {
    let catalog = w.db.catalog().await;
    let mut row = row_json(&w.db, table, &w.a).await;
    if row.get("id").is_some() {
        row["id"] = serde_json::json!(Uuid::now_v7());
    }
    fresh_natural_keys(&catalog, table, column, &mut row);
    if table == "api_keys" {
        row["token_hash"] = serde_json::json!(Uuid::now_v7().to_string());
    }
    row[column] = serde_json::json!(who);
    let txn = as_tenant(&w.app, &w.tenant_a()).await;
    let (cond, val) = row_of(table, &w.a);
    txn.execute_unprepared("SAVEPOINT s").await.unwrap();
    if txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("DELETE FROM {table} WHERE {cond}"),
            [val],
        ))
        .await
        .is_err()
    {
        txn.execute_unprepared("ROLLBACK TO SAVEPOINT s")
            .await
            .unwrap();
    }
    let result = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            insert_json(table),
            [row.into()],
        ))
        .await
        .map(|r| r.rows_affected())
        .map_err(|e| e.to_string());
    txn.rollback().await.unwrap();
    result
}

#[tokio::test]
async fn every_column_naming_a_user_names_only_the_organizations_people() {
    let w = World::new().await;
    let (org_a, mallory, bob) = (w.a["organizations"], w.a["users"], w.b["users"]);
    let columns = user_columns(&w.db).await;
    assert!(columns.len() >= 15, "{columns:?}");
    for (table, column) in &columns {
        // Bob is no member of A: never named, by INSERT or by UPDATE.
        let err = insert_naming(&w, table, column, bob).await.unwrap_err();
        assert!(err.contains("must name"), "{table}.{column} := Bob: {err}");
        let (cond, val) = row_of(table, &w.a);
        let update = attempt(
            &w.app,
            &w.tenant_a(),
            &format!("UPDATE {table} SET {column} = $2 WHERE {cond}"),
            vec![val, bob.into()],
        )
        .await;
        match update {
            Err(e) => assert!(
                e.contains("must name") || e.contains("permission denied"),
                "{table}.{column}: {e}"
            ),
            Ok(n) => panic!("{table}.{column} updated to Bob ({n} rows)"),
        }
        // Mallory herself: yes.
        let own = insert_naming(&w, table, column, mallory).await;
        assert_eq!(own, Ok(1), "{table}.{column} := Mallory");
    }
    // Bob joins A: an active member may be named (assigned a task, made a document's owner),
    // except where naming him would act as him (an API key's creator) or speak for him (the
    // audit log's actor).
    w.make_member(org_a, bob, None).await;
    for (table, column) in &columns {
        let result = insert_naming(&w, table, column, bob).await;
        if ACTING_USER_ONLY.contains(&(table.as_str(), column.as_str())) {
            assert!(
                result
                    .as_ref()
                    .unwrap_err()
                    .contains("must name the acting user"),
                "{table}.{column}: {result:?}"
            );
        } else {
            assert_eq!(result, Ok(1), "{table}.{column} := Bob, a member");
        }
    }
    w.app.drop_role().await;
}

/// How many rows of each table with a column naming users `who` sees.
async fn visible_to(w: &World, who: Tenant) -> Vec<(String, i64)> {
    let txn = as_tenant(&w.app, &who).await;
    let mut seen = Vec::new();
    for (table, _) in user_columns(&w.db).await {
        let n = count(&txn, &format!("SELECT count(*) FROM {table}"), vec![]).await;
        seen.push((table, n));
    }
    txn.commit().await.unwrap();
    seen
}

#[tokio::test]
async fn deleting_an_organization_leaves_nothing_in_anyones_private_space() {
    let w = World::new().await;
    let (org_a, bob) = (w.a["organizations"], w.b["users"]);
    // Bob is a member of Mallory's organization A; Mallory attributes rows of A to him.
    w.make_member(org_a, bob, None).await;
    let before = visible_to(&w, Tenant::user(bob)).await;
    let mut planted = 0;
    let mut tables_done = Vec::new();
    for (table, column) in user_columns(&w.db).await {
        // One column per table, the one that names the row's owner (not an inviter or an
        // assignee), which is what makes a row without organization someone's private row.
        if tables_done.contains(&table) || column == "invited_by_id" || column == "assignee_id" {
            continue;
        }
        tables_done.push(table.clone());
        if !ACTING_USER_ONLY.contains(&(table.as_str(), column.as_str())) {
            let txn = as_tenant(&w.app, &w.tenant_a()).await;
            let mut row = row_json(&w.db, &table, &w.a).await;
            if row.get("id").is_some() {
                row["id"] = serde_json::json!(Uuid::now_v7());
            }
            fresh_natural_keys(&w.db.catalog().await, &table, &column, &mut row);
            row[column.as_str()] = serde_json::json!(bob);
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                insert_json(&table),
                [row.into()],
            ))
            .await
            .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
            txn.commit().await.unwrap();
            planted += 1;
        }
    }
    assert!(planted >= 10, "{planted}");
    // Mallory (who manages A) deletes A through the application.
    let txn = as_tenant(&w.app, &w.tenant_a()).await;
    let deleted = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "DELETE FROM organizations WHERE id = $1",
            [org_a.into()],
        ))
        .await
        .unwrap();
    assert_eq!(deleted.rows_affected(), 1);
    txn.commit().await.unwrap();
    let after = visible_to(&w, Tenant::user(bob)).await;
    assert_eq!(
        after, before,
        "Bob's private space is what it was before A was deleted"
    );
    w.app.drop_role().await;
}

#[tokio::test]
async fn memberships_and_roles_change_only_as_roles_allow() {
    let w = World::new().await;
    let app = &w.app;
    let org = w.a["organizations"];
    let alice = w.a["users"]; // manages A (her role holds workspace:manage)
    let manager_role = w.a["organization_roles"];
    // A plain member, with a role of no permission, and a stranger.
    let plain_role = Uuid::now_v7();
    w.owner(
        "INSERT INTO organization_roles (id, organization_id, name, slug) VALUES ($1, $2, 'Member', 'member')",
        vec![plain_role.into(), org.into()],
    )
    .await;
    let pat = w.new_user("pat@example.test").await;
    w.make_member(org, pat, Some(plain_role)).await;
    let sam = w.new_user("sam@example.test").await;
    let as_pat = Tenant::new(org).acting_as(pat);
    let as_alice = Tenant::new(org).acting_as(alice);
    let invite = "INSERT INTO organization_members (organization_id, user_id, status, invited_by_id) \
                  VALUES ($1, $2, $3, $4)";

    // The stranger cannot enter A, join it, or accept an invitation he does not have.
    let err = entity::tenant::enter(&app.conn, &app.ticket(Tenant::new(org).acting_as(sam)))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not an active member"), "{err}");
    for status in ["active", "invited"] {
        let joined = attempt(
            app,
            &Tenant::user(sam),
            invite,
            vec![org.into(), sam.into(), status.into(), sam.into()],
        )
        .await;
        assert!(joined.is_err(), "self-join as {status}: {joined:?}");
    }
    let accepted = attempt(
        app,
        &Tenant::user(sam),
        "SELECT app_accept_invitation($1)",
        vec![org.into()],
    )
    .await;
    assert!(
        accepted.unwrap_err().contains("no pending invitation"),
        "accepting without an invitation"
    );

    // The plain member: no inviting, no changing others or his own role, no granting.
    let refusals: Vec<(&str, Vec<Value>)> = vec![
        (
            invite,
            vec![org.into(), sam.into(), "invited".into(), pat.into()],
        ),
        (
            "UPDATE organization_members SET status = 'invited' WHERE user_id = $1",
            vec![alice.into()],
        ),
        (
            "UPDATE organization_members SET role_id = $1 WHERE user_id = $2",
            vec![manager_role.into(), pat.into()],
        ),
        (
            "DELETE FROM organization_members WHERE user_id = $1",
            vec![alice.into()],
        ),
        (
            "INSERT INTO role_permissions (role_id, permission_id, organization_id) VALUES ($1, $2, $3)",
            vec![
                plain_role.into(),
                w.a["organization_permissions"].into(),
                org.into(),
            ],
        ),
        (
            "INSERT INTO organization_permissions (organization_id, key) VALUES ($1, 'campaigns:publish')",
            vec![org.into()],
        ),
    ];
    for (sql, values) in refusals {
        let result = attempt(app, &as_pat, sql, values).await;
        assert!(result.is_err(), "a plain member: {sql}: {result:?}");
    }
    // Restrictive policies hide the rows from his UPDATE and DELETE instead.
    for sql in [
        "UPDATE organization_roles SET name = 'pwned'",
        "DELETE FROM role_permissions",
        "UPDATE organizations SET plan = 'free'",
        "DELETE FROM organizations",
    ] {
        assert_eq!(attempt(app, &as_pat, sql, vec![]).await, Ok(0), "{sql}");
    }
    // He may leave.
    assert_eq!(
        attempt(
            app,
            &as_pat,
            "DELETE FROM organization_members WHERE user_id = $1",
            vec![pat.into()]
        )
        .await,
        Ok(1)
    );
    // Nobody inserts an organization directly, not even a manager.
    let org_insert = attempt(
        app,
        &as_alice,
        "INSERT INTO organizations (slug, name) VALUES ('x', 'X')",
        vec![],
    )
    .await;
    assert!(org_insert.unwrap_err().contains("row-level security"));

    // The manager invites; only the invited user activates it.
    let txn = as_tenant(app, &as_alice).await;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        invite,
        [org.into(), sam.into(), "invited".into(), alice.into()],
    ))
    .await
    .expect("the manager invites");
    let err = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE organization_members SET status = 'active' WHERE user_id = $1",
            [sam.into()],
        ))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("only the user themselves"),
        "{err}"
    );
    txn.rollback().await.unwrap();
    let txn = as_tenant(app, &as_alice).await;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        invite,
        [org.into(), sam.into(), "invited".into(), alice.into()],
    ))
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let txn = as_tenant(app, &Tenant::user(sam)).await;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT app_accept_invitation($1)",
        [org.into()],
    ))
    .await
    .expect("Sam accepts");
    txn.commit().await.unwrap();
    let txn = as_tenant(app, &Tenant::new(org).acting_as(sam)).await;
    assert_eq!(
        count(&txn, "SELECT count(*) FROM organizations", vec![]).await,
        1
    );
    txn.rollback().await.unwrap();
    // The manager changes and removes others.
    for sql in [
        "UPDATE organization_members SET role_id = $2 WHERE user_id = $1",
        "DELETE FROM organization_members WHERE user_id = $1 AND $2::uuid IS NOT NULL",
    ] {
        assert_eq!(
            attempt(app, &as_alice, sql, vec![sam.into(), plain_role.into()]).await,
            Ok(1),
            "{sql}"
        );
    }

    // The last owner stays: Alice becomes A's only owner.
    let owner_role = Uuid::now_v7();
    w.owner(
        "INSERT INTO organization_roles (id, organization_id, name, slug) VALUES ($1, $2, 'Owner', 'owner')",
        vec![owner_role.into(), org.into()],
    )
    .await;
    w.owner(
        "INSERT INTO role_permissions (role_id, permission_id, organization_id) VALUES ($1, $2, $3)",
        vec![owner_role.into(), w.a["organization_permissions"].into(), org.into()],
    )
    .await;
    w.owner(
        "UPDATE organization_members SET role_id = $1 WHERE user_id = $2 AND organization_id = $3",
        vec![owner_role.into(), alice.into(), org.into()],
    )
    .await;
    for (sql, values) in [
        (
            "DELETE FROM organization_members WHERE user_id = $1",
            vec![alice.into()],
        ),
        (
            "UPDATE organization_members SET role_id = $2 WHERE user_id = $1",
            vec![alice.into(), plain_role.into()],
        ),
        (
            "UPDATE organization_members SET status = 'suspended' WHERE user_id = $1",
            vec![alice.into()],
        ),
    ] {
        let err = attempt(app, &as_alice, sql, values).await.unwrap_err();
        assert!(err.contains("last owner"), "{sql}: {err}");
    }
    // With a second owner she may go.
    w.owner(
        "UPDATE organization_members SET role_id = $1 WHERE user_id = $2",
        vec![owner_role.into(), sam.into()],
    )
    .await;
    assert_eq!(
        attempt(
            app,
            &as_alice,
            "DELETE FROM organization_members WHERE user_id = $1",
            vec![alice.into()]
        )
        .await,
        Ok(1)
    );
    w.app.drop_role().await;
}

#[tokio::test]
async fn a_user_creates_an_organization_and_owns_it() {
    let w = World::new().await;
    let app = &w.app;
    let sam = w.new_user("founder@example.test").await;
    let txn = as_tenant(app, &Tenant::user(sam)).await;
    let org: Uuid = txn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT app_create_organization('sams-org', 'Sam''s org')",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    txn.commit().await.unwrap();
    let txn = as_tenant(app, &Tenant::new(org).acting_as(sam)).await;
    let manage = count(
        &txn,
        "SELECT app_has_permission('workspace:manage')::int::bigint",
        vec![],
    )
    .await;
    assert_eq!(manage, 1, "the founder manages the new organization");
    txn.rollback().await.unwrap();
    // A worker (no user) cannot create one.
    let err = attempt(
        app,
        &Tenant::new(org),
        "SELECT app_create_organization('w', 'W')",
        vec![],
    )
    .await
    .unwrap_err();
    assert!(err.contains("needs an acting user"), "{err}");
    w.app.drop_role().await;
}

/// A user's private connection of an account does not collide with an organization's
/// connection of it: nothing to learn, nothing to squat.
#[tokio::test]
async fn connector_accounts_are_unique_per_organization() {
    let w = World::new().await;
    let (org_a, bob) = (w.a["organizations"], w.b["users"]);
    let connector = w.a["connectors"];
    w.owner(
        "INSERT INTO connector_auths (user_id, connector_id, organization_id, account_id) \
         VALUES ($1, $2, NULL, 'bobs-account')",
        vec![bob.into(), connector.into()],
    )
    .await;
    let insert = "INSERT INTO connector_auths (user_id, connector_id, organization_id, account_id) \
                  VALUES ($1, $2, $3, $4)";
    // Not a member: the same refusal for his account and for one he never connected.
    let mut errors = Vec::new();
    for account in ["bobs-account", "never-connected"] {
        let err = attempt(
            &w.app,
            &w.tenant_a(),
            insert,
            vec![bob.into(), connector.into(), org_a.into(), account.into()],
        )
        .await
        .unwrap_err();
        errors.push(err);
    }
    assert_eq!(errors[0], errors[1]);
    // A member: A's connection of the same account is A's own row, no collision.
    w.make_member(org_a, bob, None).await;
    let result = attempt(
        &w.app,
        &w.tenant_a(),
        insert,
        vec![
            bob.into(),
            connector.into(),
            org_a.into(),
            "bobs-account".into(),
        ],
    )
    .await;
    assert_eq!(result, Ok(1));
    w.app.drop_role().await;
}
