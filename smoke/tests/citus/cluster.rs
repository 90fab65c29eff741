//! The cluster of `scripts/citus.sh`: three nodes with Citus preloaded, loopback only,
//! passwords everywhere (no trust rule, no password-less login), private files, the workers
//! known to the coordinator, and the application login on every node; the coordinator reaches
//! the workers as the role that runs a query, through the cluster's passfile.

use crate::{column, fails};
use sea_orm::ConnectionTrait;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use testkit::citus::{Cluster, NODES};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn every_node_is_loopback_only_with_passwords_and_citus_preloaded() {
    let cluster = Cluster::running();
    let mut base = None;
    for (index, (node, url)) in NODES.iter().zip(&cluster.nodes).enumerate() {
        let db = cluster.node(index).await;
        let settings = column(
            &db,
            "SELECT current_setting(name) FROM unnest(ARRAY['listen_addresses',
                 'shared_preload_libraries', 'password_encryption', 'unix_socket_permissions',
                 'wal_level']) name",
        )
        .await;
        assert_eq!(
            settings,
            ["127.0.0.1", "citus", "scram-sha-256", "0700", "logical"],
            "{node}"
        );
        let trust = column(
            &db,
            "SELECT count(*)::text FROM pg_hba_file_rules WHERE auth_method IN ('trust', 'password', 'md5')",
        )
        .await;
        assert_eq!(
            trust,
            ["0"],
            "{node}: every rule of pg_hba.conf is scram-sha-256"
        );
        let extensions = column(
            &db,
            "SELECT extname FROM pg_extension WHERE extname IN ('citus', 'vector') ORDER BY 1",
        )
        .await;
        assert_eq!(extensions, ["citus", "vector"], "{node}");
        let app = column(
            &db,
            "SELECT r.rolname || ':' || r.rolcanlogin || ':' || r.rolbypassrls || ':' ||
                    pg_has_role(r.oid, 'neonhub_app', 'member')
               FROM pg_roles r WHERE r.rolname IN ('neonhub_api', 'neonhub_app') ORDER BY 1",
        )
        .await;
        assert_eq!(
            app,
            [
                "neonhub_api:true:false:true",
                "neonhub_app:false:false:true"
            ],
            "{node}: the application login and its role"
        );
        let data = column(&db, "SHOW data_directory").await.remove(0);
        let parent = Path::new(&data)
            .parent()
            .expect("the cluster folder")
            .to_owned();
        assert_eq!(mode(Path::new(&data)), 0o700, "{data}");
        assert_eq!(
            mode(&parent.join(format!("run-{node}"))),
            0o700,
            "{node}'s socket folder"
        );
        base.get_or_insert(parent);
        // The password is required: the right user with a wrong one is refused.
        let wrong = url.with_credentials("postgres", Some("not-the-password"));
        let err = neonhub_db::connect(&wrong, std::time::Duration::from_secs(10), 1)
            .await
            .err()
            .unwrap_or_else(|| panic!("{node}: a wrong password was accepted"));
        assert!(err.to_string().contains("password"), "{node}: {err}");
        db.close().await.ok();
    }
    let base = base.expect("three nodes");
    for file in ["postgres.password", "neonhub_api.password", "pgpass"] {
        assert_eq!(mode(&base.join(file)), 0o600, "{file}");
    }
    assert_eq!(
        mode(&base) & 0o007,
        0,
        "the cluster folder is closed to others"
    );

    let coordinator = cluster.node(0).await;
    let workers = column(
        &coordinator,
        "SELECT node_name || ':' || node_port FROM citus_get_active_worker_nodes() ORDER BY node_port",
    )
    .await;
    let expected: Vec<String> = cluster.nodes[1..].iter().map(|u| u.target()).collect();
    assert_eq!(workers, expected, "both workers are active");
}

/// A query as the application login and one inside a SECURITY DEFINER function (which runs as
/// its owner) both open connections to the workers as their own role: both authenticate. A
/// role with no password in the passfile cannot: `SET ROLE neonhub_app` (a NOLOGIN role) fails
/// on the first shard query.
#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn the_coordinator_reaches_the_workers_as_the_role_that_runs_the_query() {
    let cluster = Cluster::running();
    let db = cluster.database().await;
    crate::tenant_fixture(&db).await;
    let lock = db.ddl_lock().await;
    crate::exec(
        db.conn(),
        "CREATE FUNCTION count_every_tenant() RETURNS bigint
             LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
             AS $$ SELECT count(*) FROM public.items $$;
         REVOKE ALL ON FUNCTION count_every_tenant() FROM PUBLIC;
         GRANT EXECUTE ON FUNCTION count_every_tenant() TO neonhub_app;",
    )
    .await;
    lock.release().await.ok();
    let app = db.app(1).await;
    // As the login: no tenant, so the shards' policy gives nothing, but the connections opened.
    assert_eq!(
        column(&app, "SELECT count(*)::text FROM items").await,
        ["0"]
    );
    assert_eq!(
        column(&app, "SELECT count(*)::text FROM items WHERE organization_id = '00000000-0000-0000-0000-000000000000'").await,
        ["0"]
    );
    // Reference tables are read like local ones.
    assert_eq!(
        column(&app, "SELECT name FROM plans ORDER BY id").await,
        ["free", "pro"]
    );
    // The definer function runs as its owner on every shard: all 100 rows.
    assert_eq!(
        column(&app, "SELECT count_every_tenant()::text").await,
        ["100"]
    );
    // Who the workers saw: the login, and the owner inside the definer function.
    let users = column(
        &app,
        "SELECT DISTINCT result FROM run_command_on_workers($$SELECT current_user$$)",
    )
    .await;
    assert_eq!(users, ["neonhub_api"]);

    let owner = db.node(0, 1).await;
    let err = fails(&owner, "SET ROLE neonhub_app; SELECT count(*) FROM items").await;
    owner.execute_unprepared("RESET ROLE").await.ok();
    println!("SET ROLE neonhub_app, then a shard query: {err}");
    assert!(
        err.contains("connection to the remote node neonhub_app@")
            && err.contains("no password supplied"),
        "{err}"
    );
}
