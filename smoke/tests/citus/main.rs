//! Tests on the local Citus cluster of `scripts/citus.sh` (a coordinator and two workers): the
//! cluster itself, the migrations on it, and what of the schema and the tenant context works
//! or breaks on distributed tables. docs/SCALE_OUT.md ("What breaks on Citus") records what
//! they found.
//!
//! A fresh clone has no Citus, so `make test` must not need the cluster: every test here is
//! `#[ignore]`d, and `make test-citus` starts the cluster (building Citus from `CITUS_SOURCE`
//! the first time), runs this binary with `--ignored` and stops the cluster again if it
//! started it. The tests are compiled (and linted) by every build, so they cannot rot unseen.
//! Each test gets a database of its own on every node (`testkit::citus::ClusterDb`).

mod cluster;
mod migrate;
mod statements;
mod tenant_context;
mod tenant_identity;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// Run `sql` (one or more statements, simple protocol); panic with the server's error.
pub async fn exec<C: ConnectionTrait>(db: &C, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {}", neonhub_db::describe(&e)));
}

/// Run `sql`, which must fail: the server's message (with detail and hint) as
/// `neonhub_db::describe` words it.
pub async fn fails<C: ConnectionTrait>(db: &C, sql: &str) -> String {
    match db.execute_unprepared(sql).await {
        Ok(_) => panic!("{sql}: succeeded, but Citus was expected to refuse it"),
        Err(e) => neonhub_db::describe(&e),
    }
}

/// Run `sql`: `Ok(())` or the server's message.
pub async fn outcome<C: ConnectionTrait>(db: &C, sql: &str) -> Result<(), String> {
    db.execute_unprepared(sql)
        .await
        .map(|_| ())
        .map_err(|e| neonhub_db::describe(&e))
}

/// The first column of every row of `sql`, as text (NULL as empty).
pub async fn column<C: ConnectionTrait>(db: &C, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {}", neonhub_db::describe(&e)))
        .iter()
        .map(|row| {
            row.try_get_by_index::<Option<String>>(0)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .unwrap_or_default()
        })
        .collect()
}

/// The lines of `EXPLAIN <sql>`, run with `values` bound to its parameters.
pub async fn explain<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<sea_orm::Value>) -> String {
    let explain = format!("EXPLAIN {sql}");
    db.query_all_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        &explain,
        values,
    ))
    .await
    .unwrap_or_else(|e| panic!("{explain}: {}", neonhub_db::describe(&e)))
    .iter()
    .map(|row| row.try_get_by_index::<String>(0).expect("a plan line"))
    .collect::<Vec<_>>()
    .join("\n")
}

/// Two tenants of the hand-made tables.
pub const ORG_A: &str = "aaaaaaaa-0000-7000-8000-000000000001";
/// The other tenant.
pub const ORG_B: &str = "bbbbbbbb-0000-7000-8000-000000000002";

/// A distributed table `items` (by `organization_id`, 32 shards over the two workers) with
/// row-level security for `neonhub_app` whose policy calls a SECURITY DEFINER plpgsql function
/// reading the transaction's `neonhub.tenant` setting, 50 rows of [`ORG_A`] and 50 of
/// [`ORG_B`]; a reference table `plans`; `probe()`, which says where and as what it runs; and
/// `enter_tenant(org)`, a definer function that sets the tenant with `SET LOCAL` (as a
/// credential-checking entry function would).
pub async fn tenant_fixture(cluster_db: &testkit::citus::ClusterDb) {
    let lock = cluster_db.ddl_lock().await;
    exec(
        cluster_db.conn(),
        &format!(
            "CREATE TABLE items (
                 organization_id uuid NOT NULL,
                 id bigint NOT NULL,
                 body text,
                 PRIMARY KEY (organization_id, id)
             );
             CREATE FUNCTION current_tenant() RETURNS uuid
                 LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
                 AS $$ BEGIN RETURN NULLIF(current_setting('neonhub.tenant', true), '')::uuid; END $$;
             ALTER TABLE items ENABLE ROW LEVEL SECURITY;
             CREATE POLICY items_tenant ON items TO neonhub_app
                 USING (organization_id = current_tenant())
                 WITH CHECK (organization_id = current_tenant());
             GRANT SELECT, INSERT, UPDATE, DELETE ON items TO neonhub_app;
             SELECT create_distributed_table('items', 'organization_id');
             INSERT INTO items
             SELECT CASE WHEN g % 2 = 0 THEN '{ORG_A}'::uuid ELSE '{ORG_B}'::uuid END, g, 'row ' || g
               FROM generate_series(1, 100) g;
             CREATE TABLE plans (id int PRIMARY KEY, name text NOT NULL);
             SELECT create_reference_table('plans');
             INSERT INTO plans VALUES (1, 'free'), (2, 'pro');
             GRANT SELECT ON plans TO neonhub_app;
             CREATE FUNCTION probe() RETURNS text LANGUAGE sql VOLATILE AS $$
                 SELECT concat_ws('|', pg_backend_pid(), now(), citus_backend_gpid(),
                                  get_current_transaction_id())
             $$;
             GRANT EXECUTE ON FUNCTION probe() TO neonhub_app;
             CREATE FUNCTION enter_tenant(org uuid) RETURNS void
                 LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
                 AS $$ BEGIN EXECUTE format('SET LOCAL neonhub.tenant = %L', org); END $$;
             REVOKE ALL ON FUNCTION enter_tenant(uuid) FROM PUBLIC;
             GRANT EXECUTE ON FUNCTION enter_tenant(uuid) TO neonhub_app;"
        ),
    )
    .await;
    lock.release().await.ok();
}
