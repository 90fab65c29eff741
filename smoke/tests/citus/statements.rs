//! Each kind of statement the migrations run, tried on distributed tables (built by hand, as
//! the migrations would leave them once distributed): which Citus 14 runs and which it
//! refuses, with its words. A change of Citus's behaviour shows up here as a mismatch, listed
//! with every other step's outcome. A step of several statements runs them one by one in a
//! transaction (a refused step leaves nothing behind), except where it says it sends them as
//! one query string, as the migrations do.

use crate::{ORG_A, ORG_B, column, exec, outcome};
use sea_orm::ConnectionTrait;
use testkit::citus::Cluster;

/// What a step should do.
enum Expect {
    /// It runs.
    Works,
    /// Citus refuses it with a message containing this.
    Refused(&'static str),
}

const PARENT: &str = "0190a0a0-0000-7000-8000-0000000000a1";

const SETUP: &str = "
    CREATE TABLE orgs (id uuid PRIMARY KEY);
    SELECT create_reference_table('orgs');
    CREATE TABLE parents (
        organization_id uuid NOT NULL REFERENCES orgs (id),
        id uuid NOT NULL,
        embedding vector(3),
        updated_at timestamptz,
        PRIMARY KEY (organization_id, id)
    );
    SELECT create_distributed_table('parents', 'organization_id');
    CREATE TABLE children (
        organization_id uuid NOT NULL,
        id uuid NOT NULL,
        parent_id uuid,
        PRIMARY KEY (organization_id, id)
    );
    SELECT create_distributed_table('children', 'organization_id', colocate_with => 'parents');
    CREATE TABLE locals (id uuid PRIMARY KEY);
    CREATE FUNCTION session_tenant() RETURNS uuid LANGUAGE sql STABLE
        AS $$ SELECT NULLIF(current_setting('neonhub.tenant', true), '')::uuid $$;
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
    CREATE FUNCTION no_truncate() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'children is never truncated'; END $$;
    CREATE FUNCTION fill_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT organization_id INTO NEW.organization_id FROM parents WHERE id = NEW.parent_id;
        RETURN NEW;
    END $$;";

/// One step: what it tries, its statements, what should happen.
struct Step {
    what: &'static str,
    sql: String,
    expect: Expect,
    /// Sent as one query string, as the migrations send theirs (`execute_unprepared` of
    /// several statements); otherwise each statement is sent on its own, in one transaction
    /// when there are several.
    one_query: bool,
}

fn step(what: &'static str, sql: String, expect: Expect) -> Step {
    Step {
        what,
        sql,
        expect,
        one_query: false,
    }
}

fn one_query(what: &'static str, sql: String, expect: Expect) -> Step {
    Step {
        one_query: true,
        ..step(what, sql, expect)
    }
}

/// Run a step on `db` (one connection): `Ok(())` or the server's message.
async fn run_step<C: ConnectionTrait>(db: &C, step: &Step) -> Result<(), String> {
    let statements: Vec<&str> = step
        .sql
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if step.one_query || statements.len() == 1 {
        return outcome(db, &step.sql).await;
    }
    exec(db, "BEGIN").await;
    for sql in statements {
        if let Err(err) = outcome(db, sql).await {
            exec(db, "ROLLBACK").await;
            return Err(err);
        }
    }
    outcome(db, "COMMIT").await
}

/// The steps, in order (later ones use what earlier ones made).
fn steps() -> Vec<Step> {
    use Expect::*;
    let tenant_table = |name: &str, extra: &str| {
        format!(
            "CREATE TABLE {name} (organization_id uuid NOT NULL, id int NOT NULL, \
             updated_at timestamptz, PRIMARY KEY (organization_id, id)); {extra} \
             SELECT create_distributed_table('{name}', 'organization_id')"
        )
    };
    vec![
        step(
            "a primary key without the distribution column",
            "CREATE TABLE k (organization_id uuid NOT NULL, id uuid PRIMARY KEY); \
             SELECT create_distributed_table('k', 'organization_id')"
                .into(),
            Refused(
                "Distributed relations cannot have UNIQUE, EXCLUDE, or PRIMARY KEY constraints \
                 that do not include the partition column",
            ),
        ),
        step(
            "a unique index without the distribution column",
            "CREATE UNIQUE INDEX children_parent ON children (parent_id)".into(),
            Refused("creating unique indexes on non-partition columns is currently unsupported"),
        ),
        step(
            "a row without a tenant (nullable distribution column)",
            "CREATE TABLE n (organization_id uuid, id int); \
             SELECT create_distributed_table('n', 'organization_id'); \
             INSERT INTO n VALUES (NULL, 1)"
                .into(),
            Refused("cannot perform an INSERT with NULL in the partition column"),
        ),
        step(
            "distributing a table that has a trigger",
            tenant_table(
                "trg",
                "CREATE TRIGGER trg_touch BEFORE UPDATE ON trg FOR EACH ROW \
                 EXECUTE FUNCTION touch();",
            ),
            Refused(r#"cannot distribute relation "trg" because it has triggers"#),
        ),
        step(
            "a trigger on a distributed table",
            "CREATE TRIGGER parents_touch BEFORE UPDATE ON parents FOR EACH ROW \
             EXECUTE FUNCTION touch()"
                .into(),
            Refused("triggers are not supported on distributed tables"),
        ),
        step(
            "the same with citus.enable_unsafe_triggers (set_updated_at)",
            "SET LOCAL citus.enable_unsafe_triggers = on; \
             CREATE TRIGGER parents_touch BEFORE UPDATE ON parents FOR EACH ROW \
             EXECUTE FUNCTION touch()"
                .into(),
            Works,
        ),
        step(
            "a BEFORE INSERT trigger filling the distribution column (tenant_fill_from_parent)",
            "SET LOCAL citus.enable_unsafe_triggers = on; \
             CREATE TRIGGER children_fill BEFORE INSERT ON children FOR EACH ROW \
             WHEN (NEW.organization_id IS NULL) EXECUTE FUNCTION fill_tenant()"
                .into(),
            Works,
        ),
        step(
            "an INSERT that leaves the distribution column to that trigger",
            format!("INSERT INTO children (id, parent_id) VALUES (gen_random_uuid(), '{PARENT}')"),
            Refused("cannot perform an INSERT without a partition column value"),
        ),
        step(
            "a TRUNCATE trigger (audit_logs_no_truncate) fires",
            "SET LOCAL citus.enable_unsafe_triggers = on; \
             CREATE TRIGGER children_no_truncate BEFORE TRUNCATE ON children \
             FOR EACH STATEMENT EXECUTE FUNCTION no_truncate(); TRUNCATE children"
                .into(),
            Refused("children is never truncated"),
        ),
        step(
            "a policy calling a function",
            "ALTER TABLE parents ENABLE ROW LEVEL SECURITY; \
             CREATE POLICY parents_tenant ON parents TO neonhub_app \
             USING (organization_id = session_tenant()) \
             WITH CHECK (organization_id = session_tenant())"
                .into(),
            Works,
        ),
        one_query(
            "ENABLE ROW LEVEL SECURITY and CREATE POLICY in one query string, as the migrations \
             send them",
            "ALTER TABLE children ENABLE ROW LEVEL SECURITY; \
             CREATE POLICY children_tenant ON children TO neonhub_app \
             USING (organization_id = session_tenant())"
                .into(),
            Refused("cannot insert multiple commands into a prepared statement"),
        ),
        one_query(
            "CREATE TRIGGER followed by another statement in one query string",
            "SET LOCAL citus.enable_unsafe_triggers = on; \
             CREATE TRIGGER parents_touch_again BEFORE UPDATE ON parents FOR EACH ROW \
             EXECUTE FUNCTION touch(); SELECT 1"
                .into(),
            Refused("cannot insert multiple commands into a prepared statement"),
        ),
        one_query(
            "ALTER TABLE … ADD COLUMN twice in one query string",
            "ALTER TABLE children ADD COLUMN a1 int; ALTER TABLE children ADD COLUMN a2 int".into(),
            Works,
        ),
        step(
            "a policy with a scalar subquery `(SELECT f())` on a distributed table",
            "CREATE POLICY parents_once ON parents TO neonhub_app \
             USING (organization_id = (SELECT session_tenant()))"
                .into(),
            Refused("unexpected non-SELECT command in SubLink"),
        ),
        step(
            "distributing a table whose policy has a scalar subquery",
            tenant_table(
                "sub",
                "ALTER TABLE sub ENABLE ROW LEVEL SECURITY; \
                 CREATE POLICY sub_once ON sub TO neonhub_app \
                 USING (organization_id = (SELECT session_tenant()));",
            ),
            Refused("Subqueries are not supported in policies on distributed tables"),
        ),
        step(
            "making a reference table of one whose policy has EXISTS (users_read)",
            "CREATE TABLE people (id uuid PRIMARY KEY); \
             ALTER TABLE people ENABLE ROW LEVEL SECURITY; \
             CREATE POLICY people_read ON people TO neonhub_app \
             USING (EXISTS (SELECT 1 FROM orgs o WHERE o.id = session_tenant())); \
             SELECT create_reference_table('people')"
                .into(),
            Refused("Subqueries are not supported in policies on distributed tables"),
        ),
        step(
            "CREATE INDEX CONCURRENTLY",
            "CREATE INDEX CONCURRENTLY parents_updated ON parents (organization_id, updated_at)"
                .into(),
            Works,
        ),
        step(
            "CREATE INDEX CONCURRENTLY … USING hnsw (halfvec, as the migrations build them)",
            "CREATE INDEX CONCURRENTLY parents_embedding ON parents \
             USING hnsw ((embedding::halfvec(3)) halfvec_cosine_ops) \
             WITH (m = 16, ef_construction = 64)"
                .into(),
            Works,
        ),
        step(
            "DROP INDEX CONCURRENTLY",
            "DROP INDEX CONCURRENTLY parents_updated".into(),
            Works,
        ),
        step(
            "ALTER TABLE … ADD COLUMN",
            "ALTER TABLE children ADD COLUMN note text".into(),
            Works,
        ),
        step(
            "a co-located composite foreign key NOT VALID, then VALIDATE",
            "ALTER TABLE children ADD CONSTRAINT children_parent_fkey \
             FOREIGN KEY (organization_id, parent_id) REFERENCES parents (organization_id, id) \
             NOT VALID; ALTER TABLE children VALIDATE CONSTRAINT children_parent_fkey"
                .into(),
            Works,
        ),
        step(
            "a foreign key to a table that is not distributed",
            "ALTER TABLE children ADD CONSTRAINT children_local_fkey \
             FOREIGN KEY (parent_id) REFERENCES locals (id)"
                .into(),
            Refused(
                r#"referenced table "locals" must be a distributed table or a reference table"#,
            ),
        ),
        step(
            "a foreign key from a reference table to a distributed table",
            "CREATE TABLE refs (id uuid PRIMARY KEY, org uuid, parent uuid); \
             SELECT create_reference_table('refs'); \
             ALTER TABLE refs ADD CONSTRAINT refs_parent_fkey FOREIGN KEY (org, parent) \
             REFERENCES parents (organization_id, id)"
                .into(),
            Refused(
                "foreign keys from reference tables and local tables to distributed tables are not supported",
            ),
        ),
        step(
            "moving a row to another tenant (organization_id_immutable)",
            format!(
                "UPDATE parents SET organization_id = '{ORG_B}' WHERE organization_id = '{ORG_A}'"
            ),
            Refused("modifying the partition value of rows is not allowed"),
        ),
        step(
            "ALTER TYPE … ADD VALUE of a type a distributed table uses",
            "CREATE TYPE kind AS ENUM ('a'); ALTER TABLE children ADD COLUMN kind kind; \
             ALTER TYPE kind ADD VALUE 'b'"
                .into(),
            Works,
        ),
        step(
            "a row with the new value, on a shard",
            format!(
                "INSERT INTO children (organization_id, id, parent_id, kind) \
                 VALUES ('{ORG_A}', gen_random_uuid(), '{PARENT}', 'b')"
            ),
            Works,
        ),
    ]
}

#[tokio::test]
#[ignore = "needs the Citus cluster: runs in make test-citus"]
async fn each_kind_of_migration_statement_on_distributed_tables() {
    let cluster = Cluster::running();
    let db = cluster.database().await;
    // Every step is DDL that Citus propagates: the whole test takes its turn.
    let lock = db.ddl_lock().await;
    let owner = db.node(0, 1).await;
    exec(&owner, SETUP).await;
    exec(
        &owner,
        &format!(
            "INSERT INTO orgs VALUES ('{ORG_A}'), ('{ORG_B}');
             INSERT INTO parents (organization_id, id, embedding) VALUES ('{ORG_A}', '{PARENT}', '[1,0,0]')"
        ),
    )
    .await;

    let mut report = Vec::new();
    let mut mismatches = 0;
    for step in steps() {
        let got = run_step(&owner, &step).await;
        let ok = match (&step.expect, &got) {
            (Expect::Works, Ok(())) => true,
            (Expect::Refused(words), Err(err)) => err.contains(words),
            _ => false,
        };
        if !ok {
            mismatches += 1;
        }
        let said = match &got {
            Ok(()) => "runs".to_owned(),
            Err(err) => format!("refused: {err}"),
        };
        report.push(format!(
            "{} {}: {said}",
            if ok { "as expected:" } else { "MISMATCH:" },
            step.what
        ));
    }
    let report = report.join("\n");
    println!("{report}");
    assert_eq!(mismatches, 0, "\n{report}");

    // The set_updated_at-style trigger ran on the shard.
    exec(
        &owner,
        &format!("UPDATE parents SET embedding = '[0,1,0]' WHERE organization_id = '{ORG_A}'"),
    )
    .await;
    assert_eq!(
        column(
            &owner,
            &format!("SELECT (updated_at IS NOT NULL)::text FROM parents WHERE organization_id = '{ORG_A}'")
        )
        .await,
        ["true"]
    );
    // The HNSW index was built on every shard of `parents`, on both workers.
    let placements = column(
        &owner,
        "SELECT nodeport::text || ':' || count(*) FROM citus_shards
          WHERE table_name = 'parents'::regclass GROUP BY nodeport ORDER BY nodeport",
    )
    .await;
    let mut built = Vec::new();
    for worker in 1..=2 {
        let conn = db.node(worker, 1).await;
        let port = db.node_url(worker).target();
        let port = port.rsplit(':').next().expect("a port");
        // Shards are hidden from the catalog views of a worker unless asked for.
        exec(&conn, "SET citus.override_table_visibility = off").await;
        let count = column(
            &conn,
            "SELECT count(*)::text FROM pg_indexes WHERE indexname LIKE 'parents_embedding_%'",
        )
        .await;
        built.push(format!("{port}:{}", count[0]));
        conn.close().await.ok();
    }
    assert_eq!(built, placements, "an HNSW index per shard placement");
    lock.release().await.ok();
}
