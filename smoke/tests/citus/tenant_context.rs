//! The tenant context on distributed tables: where the policies are evaluated (on the shards,
//! by the workers), how a transaction-local setting reaches them, whether the policy's function
//! exists there, and whether tenant statements stay single-shard router plans under RLS.

use crate::{ORG_A, ORG_B, column, exec, explain, fails, tenant_fixture};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use testkit::citus::{Cluster, ClusterDb};

const PROPAGATE: &str = "SET LOCAL citus.propagate_set_commands = 'local'";

/// A's rows (a router query), every row the transaction sees (all shards), B's rows.
async fn counts<C: ConnectionTrait>(tx: &C) -> [String; 3] {
    let mut out = Vec::new();
    for sql in [
        format!("SELECT count(*)::text FROM items WHERE organization_id = '{ORG_A}'"),
        "SELECT count(*)::text FROM items".to_owned(),
        format!("SELECT count(*)::text FROM items WHERE organization_id = '{ORG_B}'"),
    ] {
        out.push(column(tx, &sql).await.remove(0));
    }
    out.try_into().expect("three counts")
}

/// In one transaction of the application login: run `enter` (each its own statement), then
/// count A's rows (router), all visible rows (every shard) and B's rows (router). Also checks
/// that the coordinator itself sees the setting.
async fn visible(app: &DatabaseConnection, enter: &[&str]) -> [String; 3] {
    let tx = app.begin().await.expect("begin");
    for sql in enter {
        exec(&tx, sql).await;
    }
    assert_eq!(
        column(&tx, "SELECT current_setting('neonhub.tenant', true)").await,
        [ORG_A],
        "the coordinator's own view of the setting, after {enter:?}"
    );
    let seen = counts(&tx).await;
    tx.rollback().await.expect("rollback");
    seen
}

async fn fixture() -> (ClusterDb, DatabaseConnection) {
    let db = Cluster::running().database().await;
    tenant_fixture(&db).await;
    let app = db.app(1).await;
    (db, app)
}

#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn the_tenant_setting_reaches_the_shards_only_as_a_propagated_set_local() {
    let (db, app) = fixture().await;
    let set_local = format!("SET LOCAL neonhub.tenant = '{ORG_A}'");
    let set_config = format!("SELECT set_config('neonhub.tenant', '{ORG_A}', true)");
    let enter = format!("SELECT enter_tenant('{ORG_A}')");
    let none = ["0", "0", "0"].map(String::from);
    let a = ["50", "50", "0"].map(String::from);
    let cases: [(&str, Vec<&str>, &[String; 3]); 5] = [
        (
            "SET LOCAL (propagation off: the default)",
            vec![&set_local],
            &none,
        ),
        ("set_config(…, true)", vec![&set_config], &none),
        (
            "SET LOCAL, citus.propagate_set_commands = local",
            vec![PROPAGATE, &set_local],
            &a,
        ),
        (
            "set_config(…, true), citus.propagate_set_commands = local",
            vec![PROPAGATE, &set_config],
            &none,
        ),
        (
            "SET LOCAL run by a SECURITY DEFINER function (EXECUTE), propagation local",
            vec![PROPAGATE, &enter],
            &a,
        ),
    ];
    for (how, enter, expected) in cases {
        let seen = visible(&app, &enter).await;
        println!(
            "{how}: A's rows {}, all {}, B's rows {}",
            seen[0], seen[1], seen[2]
        );
        assert_eq!(&seen, expected, "{how} (A's rows, all rows, B's rows)");
    }

    // A SET LOCAL after the transaction's first shard query reaches the connections already
    // open to the workers.
    let tx = app.begin().await.expect("begin");
    exec(&tx, PROPAGATE).await;
    exec(&tx, &set_local).await;
    assert_eq!(counts(&tx).await, a);
    exec(&tx, &format!("SET LOCAL neonhub.tenant = '{ORG_B}'")).await;
    assert_eq!(counts(&tx).await, ["0", "50", "50"].map(String::from));
    tx.rollback().await.expect("rollback");

    // Set for the login in this database, propagation needs no statement of its own.
    let lock = db.ddl_lock().await;
    exec(
        db.conn(),
        &format!(
            "ALTER ROLE neonhub_api IN DATABASE \"{}\" SET citus.propagate_set_commands = 'local'",
            db.name()
        ),
    )
    .await;
    let fresh = db.app(1).await;
    assert_eq!(visible(&fresh, &[&set_local]).await, a);

    // Citus sends the text of the whole query that held the SET LOCAL to the workers: a SET
    // LOCAL sent with another statement in one query runs that statement on the workers too.
    exec(
        db.conn(),
        "CREATE TABLE notes (body text); GRANT INSERT ON notes TO neonhub_app",
    )
    .await;
    lock.release().await.ok();
    let tx = fresh.begin().await.expect("begin");
    assert_eq!(counts(&tx).await, none, "connections to the workers open");
    let err = fails(
        &tx,
        &format!("{set_local}; INSERT INTO notes VALUES ('only on the coordinator')"),
    )
    .await;
    println!("SET LOCAL sent with an INSERT into a coordinator table, in one query: {err}");
    assert!(
        err.contains("failure on connection marked as essential"),
        "{err}"
    );
    tx.rollback().await.ok();
}

#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn policy_functions_reach_the_workers_and_their_changes_too() {
    let (db, app) = fixture().await;
    const DEFINERS: &str = "
        SELECT p.proname || ' definer=' || p.prosecdef || ' config=' ||
               coalesce(array_to_string(p.proconfig, ','), '') || ' acl=' ||
               coalesce(p.proacl::text, '')
          FROM pg_proc p
         WHERE p.proname IN ('current_tenant', 'enter_tenant') ORDER BY 1";
    let on_coordinator = column(db.conn(), DEFINERS).await;
    assert_eq!(on_coordinator.len(), 2, "{on_coordinator:?}");
    for worker in 1..=2 {
        let conn = db.node(worker, 1).await;
        assert_eq!(
            column(&conn, DEFINERS).await,
            on_coordinator,
            "worker {worker}: created by CREATE FUNCTION alone (no create_distributed_function)"
        );
        conn.close().await.ok();
    }
    assert_eq!(
        column(
            db.conn(),
            "SELECT count(*)::text FROM pg_dist_object
              WHERE objid IN ('current_tenant()'::regprocedure, 'enter_tenant(uuid)'::regprocedure)"
        )
        .await,
        ["2"]
    );
    // CREATE OR REPLACE reaches them too: a policy function that admits nobody.
    let lock = db.ddl_lock().await;
    exec(
        db.conn(),
        "CREATE OR REPLACE FUNCTION current_tenant() RETURNS uuid
             LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN RETURN NULL; END $$",
    )
    .await;
    lock.release().await.ok();
    assert_eq!(
        visible(
            &app,
            &[PROPAGATE, &format!("SET LOCAL neonhub.tenant = '{ORG_A}'")]
        )
        .await,
        ["0", "0", "0"].map(String::from)
    );
}

#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn tenant_statements_under_rls_stay_single_shard_router_plans() {
    let (_db, app) = fixture().await;
    let tx = app.begin().await.expect("begin");
    exec(&tx, PROPAGATE).await;
    exec(&tx, &format!("SET LOCAL neonhub.tenant = '{ORG_A}'")).await;
    let org = uuid::Uuid::parse_str(ORG_A).expect("a uuid");
    let router = [
        "SELECT * FROM items WHERE organization_id = $1 AND id = 2",
        "SELECT count(*) FROM items WHERE organization_id = $1",
        "UPDATE items SET body = 'x' WHERE organization_id = $1 AND id = 2",
        "DELETE FROM items WHERE organization_id = $1 AND id = 2",
        "INSERT INTO items (organization_id, id, body) VALUES ($1, 1000, 'x')",
        "SELECT i.body, p.name FROM items i JOIN plans p ON p.id = 1 WHERE i.organization_id = $1",
    ];
    for sql in router {
        let plan = explain(&tx, sql, vec![org.into()]).await;
        assert!(plan.contains("Task Count: 1\n"), "{sql}:\n{plan}");
        // The policy is applied on the worker, folded into a one-time check of the function
        // (an INSERT has no scan to filter: its WITH CHECK runs on the worker's insert).
        if !sql.starts_with("INSERT") {
            assert!(
                plan.contains("One-Time Filter: (current_tenant() = "),
                "{sql}:\n{plan}"
            );
        }
    }
    println!("{}", explain(&tx, router[1], vec![org.into()]).await);
    let fan_out = explain(&tx, "SELECT count(*) FROM items", vec![]).await;
    println!("{fan_out}");
    assert!(fan_out.contains("Task Count: 32\n"), "{fan_out}");
    assert!(
        fan_out.contains("Index Cond: (organization_id = current_tenant())"),
        "on each shard the policy becomes an index condition:\n{fan_out}"
    );
    tx.rollback().await.ok();
}
