//! The migrations on the cluster's coordinator: all of them apply, roll back and apply again,
//! because every table they create stays a plain table of the coordinator (Citus distributes
//! nothing by itself); what Citus does propagate to the workers at once is the schema's types
//! and functions, definer attributes and grants included. Distributing the migrated tables by
//! hand then meets blockers that doctor's readiness report does not count: triggers, policies
//! with subqueries, and foreign keys to tables not yet distributed. The runner's advisory lock
//! is the coordinator's alone.

use crate::{column, exec, fails};
use migration::runner::{Action, RunOptions, run};
use migration::{Migrator, MigratorTrait};
use neonhub_db::{ToolLock, ToolLockName};
use std::time::Duration;
use testkit::citus::{Cluster, ClusterDb, NODES};

/// The schema's own functions (not the extensions'): name, SECURITY DEFINER, settings, grants
/// and owner.
const FUNCTIONS: &str = "
    SELECT p.pronamespace::regnamespace || '.' || p.proname || ' definer=' || p.prosecdef ||
           ' config=' || coalesce(array_to_string(p.proconfig, ','), '') || ' acl=' ||
           coalesce(p.proacl::text, '') || ' owner=' || pg_get_userbyid(p.proowner)
      FROM pg_proc p
     WHERE p.pronamespace IN ('public'::regnamespace, to_regnamespace('neonhub_private'))
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
     ORDER BY 1";
const ENUMS: &str = "SELECT typname::text FROM pg_type
                      WHERE typnamespace = 'public'::regnamespace AND typtype = 'e' ORDER BY 1";
const TABLES: &str = "SELECT count(*)::text FROM pg_tables WHERE schemaname = 'public'";

async fn migrate(db: &ClusterDb, action: Action) -> String {
    run(db.url(), db.conn(), action, &RunOptions::default())
        .await
        .unwrap_or_else(|e| panic!("migration {action:?} on the coordinator: {e}"))
}

/// What each node holds: (tables, enum types, functions).
async fn objects(db: &ClusterDb) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for node in 0..NODES.len() {
        let conn = db.node(node, 1).await;
        out.push((
            column(&conn, TABLES).await.remove(0),
            column(&conn, ENUMS).await,
            column(&conn, FUNCTIONS).await,
        ));
        conn.close().await.ok();
    }
    out
}

#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn every_migration_applies_on_the_coordinator_and_rolls_back() {
    let cluster = Cluster::running();
    let db = cluster.database().await;
    let lock = db.ddl_lock().await;
    let all = Migrator::migrations().len();

    let summary = migrate(&db, Action::Up(None)).await;
    assert!(
        summary.starts_with(&format!("applied {all} migration(s)")),
        "{summary}"
    );
    // Nothing is distributed: the migrations' tables are plain tables of the coordinator.
    assert_eq!(
        column(db.conn(), "SELECT count(*)::text FROM pg_dist_partition").await,
        ["0"]
    );
    let nodes = objects(&db).await;
    let (tables, enums, functions) = &nodes[0];
    println!(
        "coordinator: {tables} tables, {} enum types, {} functions:\n{}",
        enums.len(),
        functions.len(),
        functions.join("\n")
    );
    assert!(tables.parse::<usize>().expect("a count") > 50, "{tables}");
    assert!(!enums.is_empty() && !functions.is_empty());
    assert!(
        functions.iter().any(|f| f.contains("definer=true")),
        "{functions:?}"
    );
    for (node, (worker_tables, worker_enums, worker_functions)) in NODES.iter().zip(&nodes).skip(1)
    {
        assert_eq!(worker_tables, "0", "{node}: no table reaches a worker");
        assert_eq!(worker_enums, enums, "{node}: the enum types are propagated");
        assert_eq!(
            worker_functions, functions,
            "{node}: the functions are propagated with their definer attributes, settings, \
             grants and owner"
        );
    }
    // Citus records them as distributed objects (not distributed functions: no argument
    // routes their calls to a worker).
    let recorded = column(
        db.conn(),
        "SELECT count(*) FILTER (WHERE classid = 'pg_proc'::regclass)::text || ' functions, ' ||
                count(*) FILTER (WHERE classid = 'pg_type'::regclass)::text || ' types, ' ||
                count(*) FILTER (WHERE distribution_argument_index IS NOT NULL)::text ||
                ' with a distribution argument'
           FROM pg_dist_object",
    )
    .await;
    assert_eq!(
        recorded,
        [format!(
            "{} functions, {} types, 0 with a distribution argument",
            functions.len(),
            enums.len()
        )]
    );

    // The tools' lock is a table of the coordinator (`neonhub_locks`, out of the application
    // login's reach) held by an open transaction: every tool connects to the coordinator, where
    // a second taker waits; the workers have no such table.
    let held = ToolLock::acquire(
        db.url(),
        ToolLockName::Migrations,
        Duration::from_secs(10),
        Duration::from_secs(10),
    )
    .await
    .expect("the migration lock");
    let second = ToolLock::acquire(
        db.url(),
        ToolLockName::Migrations,
        Duration::from_secs(10),
        Duration::from_secs(1),
    )
    .await;
    assert!(
        second.is_err(),
        "a second migrator waits on the coordinator"
    );
    let worker = db.node(1, 1).await;
    assert_eq!(
        column(
            &worker,
            "SELECT (to_regclass('neonhub_locks.migrations') IS NULL)::text"
        )
        .await,
        ["true"]
    );
    worker.close().await.ok();
    held.release().await.expect("release");

    let summary = migrate(&db, Action::Reset).await;
    assert_eq!(summary, format!("rolled back {all} migration(s)"));
    for (node, (tables, enums, functions)) in NODES.iter().zip(objects(&db).await) {
        assert_eq!(
            (tables.as_str(), enums.len(), functions.len()),
            ("0", 0, 0),
            "{node}: the roll-back dropped the types and functions everywhere"
        );
    }
    // The tenant-isolation migration's down drops neonhub_app unless another database of the
    // node still uses it; the cluster's `neonhub` database does (scripts/citus.sh), on every
    // node, so the role and the login's membership survive.
    for (index, node) in NODES.iter().enumerate() {
        let conn = db.node(index, 1).await;
        assert_eq!(
            column(
                &conn,
                "SELECT pg_has_role('neonhub_api', 'neonhub_app', 'member')::text"
            )
            .await,
            ["true"],
            "{node}"
        );
        conn.close().await.ok();
    }
    let summary = migrate(&db, Action::Up(None)).await;
    assert!(
        summary.starts_with(&format!("applied {all} migration(s)")),
        "{summary}"
    );
    lock.release().await.ok();
}

#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn distributing_the_migrated_tables_meets_triggers_and_subquery_policies() {
    let cluster = Cluster::running();
    let db = cluster.database().await;
    let lock = db.ddl_lock().await;
    migrate(&db, Action::Up(None)).await;
    // One connection: the session setting below stays on it.
    let owner = db.node(0, 1).await;

    let with_triggers = column(
        &owner,
        "SELECT count(DISTINCT tgrelid)::text FROM pg_trigger WHERE NOT tgisinternal",
    )
    .await;
    let err = fails(&owner, "SELECT create_reference_table('organizations')").await;
    println!("create_reference_table('organizations'): {err}");
    println!("tables with triggers: {}", with_triggers[0]);
    assert!(
        err.contains(r#"cannot distribute relation "organizations" because it has triggers"#),
        "{err}"
    );

    // With triggers allowed (Citus then runs them on the shards), making `organizations` a
    // reference table turns every local table linked to it by foreign keys into a Citus local
    // table, and a policy with a subquery anywhere in that graph stops it.
    let subquery_policies = column(
        &owner,
        "SELECT tablename || '.' || policyname FROM pg_policies
          WHERE coalesce(qual, '') || coalesce(with_check, '') ~* '\\mselect\\M' ORDER BY 1",
    )
    .await;
    println!("policies with a subquery: {subquery_policies:?}");
    exec(&owner, "SET citus.enable_unsafe_triggers = on").await;
    let err = fails(&owner, "SELECT create_reference_table('organizations')").await;
    println!("with citus.enable_unsafe_triggers: create_reference_table('organizations'): {err}");
    if subquery_policies.is_empty() {
        panic!("no policy has a subquery any more: update this test and docs/SCALE_OUT.md ({err})");
    }
    // (Before the policies read the context as `(SELECT app_current_org_id())`, Citus said
    // "… Citus applies a conversion to all the local tables in the foreign key graph"; now
    // every tenant policy has a subquery and the first one met is named.)
    assert!(
        err.contains("cannot create policy")
            && (err.contains("Subqueries are not supported in policies")
                || err.contains(
                    "Citus applies a conversion to all the local tables in the foreign key graph"
                )),
        "{err}"
    );

    // A tenant table cannot go first either: its foreign key points at a local table.
    let err = fails(
        &owner,
        "SELECT create_distributed_table('brands', 'organization_id')",
    )
    .await;
    println!("create_distributed_table('brands', 'organization_id'): {err}");
    assert!(
        err.contains(
            r#"referenced table "organizations" must be a distributed table or a reference table"#
        ),
        "{err}"
    );
    assert_eq!(
        column(&owner, "SELECT count(*)::text FROM pg_dist_partition").await,
        ["0"],
        "every refused call left the schema as it was"
    );
    lock.release().await.ok();
}

/// Roles are created and dropped on every node by the coordinator's statements, also from a
/// DO block as the migrations run them: the tenant-isolation migration's `down` would drop
/// `neonhub_app` cluster-wide if the coordinator had no other database using it.
#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn role_statements_on_the_coordinator_reach_every_node() {
    let cluster = Cluster::running();
    let db = cluster.database().await;
    let lock = db.ddl_lock().await;
    let role = format!(
        "neonhub_citus_probe_{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    let on_nodes = async |role: &str| {
        let mut found = Vec::new();
        for node in 0..NODES.len() {
            let conn = db.node(node, 1).await;
            found.push(
                column(
                    &conn,
                    &format!("SELECT count(*)::text FROM pg_roles WHERE rolname = '{role}'"),
                )
                .await
                .remove(0),
            );
            conn.close().await.ok();
        }
        found
    };
    exec(
        db.conn(),
        &format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                 CREATE ROLE {role} NOLOGIN; END IF; END $$"
        ),
    )
    .await;
    assert_eq!(on_nodes(&role).await, ["1", "1", "1"]);
    exec(
        db.conn(),
        &format!("DO $$ BEGIN DROP ROLE IF EXISTS {role}; END $$"),
    )
    .await;
    assert_eq!(on_nodes(&role).await, ["0", "0", "0"]);
    lock.release().await.ok();
}
