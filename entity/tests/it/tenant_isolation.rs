//! Row-level security keeps organizations apart for the application role, whatever the query:
//! for every table with RLS (enumerated from the catalog), tenant A sees none of B's rows,
//! cannot update, delete or insert them, and with no tenant set sees nothing. The owner still
//! sees everything. The application role can do DML only.

use crate::common;

use common::rls::{as_tenant, attempt, count, insert_json, rls_tables, row_json, row_of};
use entity::prelude::*;
use entity::tenant::{Tenant, with_tenant};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use testkit::{AppLogin, TestDb};
use uuid::Uuid;

#[tokio::test]
async fn tenants_never_see_or_touch_each_others_rows() {
    let db = TestDb::migrated().await;
    let a = common::one_of_each(db.conn(), "a").await;
    let b = common::one_of_each(db.conn(), "b").await;
    let tenant_a = Tenant::new(a["organizations"]).acting_as(a["users"]);
    let all = rls_tables(&db).await;
    let without: Vec<_> = entity::registry::tables()
        .iter()
        .map(|t| t.name)
        .filter(|t| !all.iter().any(|x| x == t))
        .collect();
    assert_eq!(without, ["metric_events"], "the documented exception");
    // Tables the application has no rights on at all (sign-in tokens: definer functions only).
    let catalog = db.catalog().await;
    let (tables, closed): (Vec<String>, Vec<String>) = all
        .into_iter()
        .partition(|t| catalog.tables[t].grants.contains_key("neonhub_app"));
    assert_eq!(closed, ["verification_tokens"]);

    let app = AppLogin::new(&db).await;
    for table in &tables {
        let (cond_a, val_a) = row_of(table, &a);
        let (cond_b, val_b) = row_of(table, &b);
        let txn = as_tenant(&app, &tenant_a).await;
        let own = format!("SELECT count(*) FROM {table} WHERE {cond_a}");
        let other = format!("SELECT count(*) FROM {table} WHERE {cond_b}");
        if table != "connectors" {
            assert_eq!(
                count(&txn, &own, vec![val_a.clone()]).await,
                1,
                "{table}: A sees its row"
            );
            assert_eq!(
                count(&txn, &other, vec![val_b.clone()]).await,
                0,
                "{table}: A sees B's row"
            );
        }
        txn.rollback().await.unwrap();
        let key = if table == "role_permissions" {
            "role_id"
        } else {
            "id"
        };
        let granted = &catalog.tables[table].grants["neonhub_app"];
        for (verb, sql) in [
            (
                "UPDATE",
                format!("UPDATE {table} SET {key} = {key} WHERE {cond_b}"),
            ),
            ("DELETE", format!("DELETE FROM {table} WHERE {cond_b}")),
        ] {
            let result = attempt(&app, &tenant_a, &sql, vec![val_b.clone()]).await;
            if granted.iter().any(|g| g == verb) {
                assert_eq!(result, Ok(0), "{table}: A could {verb} B's row");
            } else {
                let err = result.expect_err(verb);
                assert!(err.contains("permission denied"), "{table}: {verb}: {err}");
            }
        }

        // Insert a copy of B's row (new id) as tenant A: refused by the policy.
        let mut copy = row_json(&db, table, &b).await;
        if copy.get("id").is_some() {
            copy["id"] = serde_json::json!(Uuid::now_v7());
        }
        if table_has_org(&db, table).await {
            // Every column naming a user names A's user: the attribution rules (checked before
            // row-level security) pass, and only the policy is left to refuse the row.
            for column in user_columns(&db, table).await {
                copy[column.as_str()] = serde_json::json!(a["users"]);
            }
        }
        if table == "organization_members" {
            // An invitation A's manager may send (the membership rules refuse an active row
            // before row-level security is asked): only the policy is left to refuse it.
            copy["status"] = serde_json::json!("invited");
            copy["invited_by_id"] = serde_json::json!(a["users"]);
        }
        let txn = as_tenant(&app, &tenant_a).await;
        let err = txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                insert_json(table),
                [copy.into()],
            ))
            .await
            .expect_err(&format!("{table}: A inserted a row for B"))
            .to_string();
        assert!(err.contains("row-level security"), "{table}: {err}");
        txn.rollback().await.unwrap();
    }

    // No tenant: no rows at all.
    for table in &tables {
        if table == "connectors" {
            continue; // the global catalogue is readable by design
        }
        let n = count(&app.conn, &format!("SELECT count(*) FROM {table}"), vec![]).await;
        assert_eq!(n, 0, "{table}: rows visible with no tenant set");
    }
    // The catalogue is readable but not writable by the application.
    assert_eq!(
        count(&app.conn, "SELECT count(*) FROM connectors", vec![]).await,
        2
    );

    // The owner (migrations, seeds) still sees everything.
    for table in &tables {
        let n = count(db.conn(), &format!("SELECT count(*) FROM {table}"), vec![]).await;
        assert!(n >= 2, "{table}: the owner sees {n} rows");
    }
    app.drop_role().await;
}

#[tokio::test]
async fn user_level_rows_follow_the_acting_user() {
    let db = TestDb::migrated().await;
    let a = common::one_of_each(db.conn(), "a").await;
    let b = common::one_of_each(db.conn(), "b").await;
    // A personal task of user A, outside any organization.
    db.conn()
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO tasks (id, title, created_by_id) VALUES ($1, 'personal', $2)",
            [Uuid::now_v7().into(), a["users"].into()],
        ))
        .await
        .unwrap();
    let app = AppLogin::new(&db).await;
    let sql = "SELECT count(*) FROM tasks WHERE organization_id IS NULL";
    let txn = as_tenant(&app, &Tenant::new(a["organizations"]).acting_as(a["users"])).await;
    assert_eq!(count(&txn, sql, vec![]).await, 1, "its owner sees it");
    txn.rollback().await.unwrap();
    let txn = as_tenant(&app, &Tenant::new(b["organizations"]).acting_as(b["users"])).await;
    assert_eq!(count(&txn, sql, vec![]).await, 0, "another user does not");
    txn.rollback().await.unwrap();
    let txn = as_tenant(&app, &Tenant::new(a["organizations"])).await;
    assert_eq!(
        count(&txn, sql, vec![]).await,
        0,
        "nor the organization without the user"
    );
    txn.rollback().await.unwrap();
    app.drop_role().await;
}

#[tokio::test]
async fn with_tenant_scopes_entity_queries() {
    let db = TestDb::migrated().await;
    let a = common::one_of_each(db.conn(), "a").await;
    let _b = common::one_of_each(db.conn(), "b").await;
    let app = AppLogin::new(&db).await;
    let brands = with_tenant(
        &app.conn,
        &app.ticket(Tenant::new(a["organizations"])),
        |txn| Box::pin(async move { Brands::find().all(txn).await }),
    )
    .await
    .unwrap();
    assert_eq!(brands.len(), 1);
    assert_eq!(brands[0].id, a["brands"]);
    // The setting ends with the transaction: the pooled connection carries nothing over.
    assert_eq!(Brands::find().all(&app.conn).await.unwrap().len(), 0);
    // An error inside rolls back.
    let err = with_tenant(
        &app.conn,
        &app.ticket(Tenant::new(a["organizations"])),
        |txn| {
            Box::pin(async move {
                txn.execute_unprepared("DELETE FROM brand_assets").await?;
                txn.execute_unprepared("SELECT 1/0").await?;
                Ok(())
            })
        },
    )
    .await;
    assert!(err.is_err());
    assert_eq!(
        count(db.conn(), "SELECT count(*) FROM brand_assets", vec![]).await,
        2
    );
    app.drop_role().await;
}

#[tokio::test]
async fn the_application_role_has_dml_only() {
    let db = TestDb::migrated().await;
    let app = AppLogin::new(&db).await;
    for ddl in [
        "CREATE TABLE intruder (id int)",
        "ALTER TABLE brands ADD COLUMN intruder int",
        "DROP TABLE brands",
        "ALTER TABLE brands DISABLE ROW LEVEL SECURITY",
        "TRUNCATE brands",
        "DELETE FROM seaql_migrations",
    ] {
        let err = app
            .conn
            .execute_unprepared(ddl)
            .await
            .expect_err(ddl)
            .to_string();
        assert!(
            err.contains("permission denied") || err.contains("must be owner"),
            "{ddl}: {err}"
        );
    }
    let flags = count(
        db.conn(),
        "SELECT count(*) FROM pg_roles WHERE rolname = 'neonhub_app'
            AND NOT rolcanlogin AND NOT rolbypassrls AND NOT rolsuper AND NOT rolcreatedb",
        vec![],
    )
    .await;
    assert_eq!(flags, 1);
    let owned = count(
        db.conn(),
        "SELECT count(*) FROM pg_class WHERE relowner = 'neonhub_app'::regrole",
        vec![],
    )
    .await;
    assert_eq!(owned, 0, "the application role owns nothing");
    app.drop_role().await;
}

/// The application login `make db-up` creates (`DATABASE_APP_URL`, role `neonhub_api`) is
/// under row-level security: `with_tenant` works on it and scopes reads to the tenant.
#[tokio::test]
async fn the_local_application_login_is_under_row_level_security() {
    let app_url = match testkit::neonhub_db::DatabaseUrl::resolve_app(None) {
        Ok(url) => url,
        Err(err) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: {err}");
            return;
        }
        Err(err) => panic!("CI runs `make db-up`, which writes DATABASE_APP_URL: {err}"),
    };
    let db = TestDb::migrated().await;
    let a = common::one_of_each(db.conn(), "a").await;
    let _b = common::one_of_each(db.conn(), "b").await;
    let conn = testkit::neonhub_db::connect(
        &app_url.with_database(db.name()),
        std::time::Duration::from_secs(10),
        1,
    )
    .await
    .expect("connect as the application login");
    let key = entity::tenant::TicketKey::generate("local").unwrap();
    entity::tenant::TicketKeys::new([key.clone()])
        .unwrap()
        .install(db.conn())
        .await
        .unwrap();
    let brands = with_tenant(&conn, &key.worker(a["organizations"]), |txn| {
        Box::pin(async move { Brands::find().all(txn).await })
    })
    .await
    .expect("with_tenant on the application login");
    assert_eq!(brands.len(), 1);
    assert_eq!(brands[0].id, a["brands"]);
    assert_eq!(Brands::find().all(&conn).await.unwrap().len(), 0);
    conn.close().await.ok();
}

async fn table_has_org(db: &TestDb, table: &str) -> bool {
    db.catalog()
        .await
        .schema_tables()
        .any(|(name, t)| name == table && t.columns.iter().any(|c| c.name == "organization_id"))
}

/// The columns of `table` with a foreign key to `users`, from the catalog.
async fn user_columns(db: &TestDb, table: &str) -> Vec<String> {
    db.catalog()
        .await
        .foreign_keys
        .iter()
        .filter(|fk| fk.table == table && fk.references == "users" && fk.columns.len() == 1)
        .map(|fk| fk.columns[0].clone())
        .collect()
}
