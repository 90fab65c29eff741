//! The Citus readiness report (`smoke::scale_out`, doctor's "Scale-out readiness" section)
//! finds exactly the blockers a hand-built schema has, and none it lacks: unique keys without
//! the tenant column, a nullable tenant column, a foreign key that pairs the wrong columns, a
//! reference table pointing at a distributed one; a table that follows every rule is clean.

use neonhub_db::catalog::Catalog;
use sea_orm::ConnectionTrait;
use smoke::scale_out::{Readiness, Role};
use testkit::TestDb;

const FIXTURE: &str = "
CREATE TABLE organizations (id uuid PRIMARY KEY, slug text NOT NULL UNIQUE);
CREATE TABLE users (id uuid PRIMARY KEY, email text NOT NULL UNIQUE);
-- Follows every rule: keys lead with the tenant, its foreign keys go to reference tables.
CREATE TABLE projects (
  organization_id uuid NOT NULL REFERENCES organizations (id),
  id uuid NOT NULL,
  owner_id uuid REFERENCES users (id),
  name text NOT NULL,
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, name)
);
-- Its key lacks the tenant, and its foreign key pairs another column with the parent's tenant.
CREATE TABLE tasks (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id),
  project_organization_id uuid,
  project_id uuid,
  CONSTRAINT tasks_project_fkey FOREIGN KEY (project_organization_id, project_id)
    REFERENCES projects (organization_id, id)
);
-- A nullable tenant and a unique index without it; its foreign key is fine.
CREATE TABLE comments (
  organization_id uuid REFERENCES organizations (id),
  id uuid NOT NULL,
  project_id uuid NOT NULL,
  UNIQUE (organization_id, id),
  CONSTRAINT comments_project_fkey FOREIGN KEY (organization_id, project_id)
    REFERENCES projects (organization_id, id)
);
CREATE UNIQUE INDEX comments_id_key ON comments (id);
-- No tenant column (a reference table) pointing at a distributed table.
CREATE TABLE labels (
  id uuid PRIMARY KEY,
  project_org uuid,
  project_id uuid,
  CONSTRAINT labels_project_fkey FOREIGN KEY (project_org, project_id)
    REFERENCES projects (organization_id, id)
);
CREATE TABLE seaql_migrations (version varchar PRIMARY KEY);
";

#[tokio::test]
async fn the_readiness_report_finds_exactly_the_blockers_a_schema_has() {
    let db = TestDb::empty().await;
    db.conn()
        .execute_unprepared(FIXTURE)
        .await
        .expect("the fixture schema");
    let catalog = Catalog::read(db.conn()).await.expect("catalog");
    let readiness = Readiness::from_catalog(&catalog);

    let roles: Vec<(&str, Role)> = readiness
        .tables
        .iter()
        .map(|(t, (r, _))| (t.as_str(), *r))
        .collect();
    assert_eq!(
        roles,
        [
            ("comments", Role::Distributed),
            ("labels", Role::Reference),
            ("organizations", Role::Reference),
            ("projects", Role::Distributed),
            ("seaql_migrations", Role::Local),
            ("tasks", Role::Distributed),
            ("users", Role::Reference),
        ]
    );
    let found: Vec<String> = readiness
        .blockers()
        .map(|(table, blocker)| format!("{table}: {blocker}"))
        .collect();
    assert_eq!(
        found,
        [
            "comments: organization_id is nullable (a row without a tenant has no shard)",
            "comments: unique key comments_id_key (id) does not include organization_id",
            "labels: foreign key labels_project_fkey points at the distributed table projects \
             (a reference table may not)",
            "tasks: unique key tasks_pkey (id) does not include organization_id",
            "tasks: foreign key tasks_project_fkey to projects does not pair organization_id on \
             both sides",
        ]
    );
    assert_eq!(
        readiness.summary(),
        "3 distributed by organization_id, 3 reference, 1 local; 5 blockers in 3 tables"
    );
}

/// The roles NeonHub decided (`migration::distribution`) against the migrated schema: every
/// listed table exists, every table gets a role, reference and local tables break no rule of
/// theirs (no reference table points at a distributed one, nothing on every node points at a
/// coordinator-only table), and what is left is in the distributed tables alone: primary keys
/// `(id)` without `organization_id`, and `ON DELETE SET NULL` on keys that hold it. Those are
/// what the migrations that make the schema distributable must change (docs/SCALE_OUT.md).
#[tokio::test]
async fn the_planned_roles_leave_only_the_distributed_tables_keys_to_change() {
    use migration::distribution::{LOCAL_TABLES, REFERENCE_TABLES};
    let db = TestDb::migrated().await;
    let catalog = Catalog::read(db.conn()).await.expect("catalog");
    // `_migration_checksums` is the runner's, made when it records a run (not by a migration).
    for (table, why) in REFERENCE_TABLES.iter().chain(LOCAL_TABLES) {
        assert!(
            catalog.tables.contains_key(*table) || *table == "_migration_checksums",
            "{table} ({why}) is no table"
        );
    }
    let readiness = Readiness::planned(&catalog);
    assert_eq!(readiness.tables.len(), catalog.tables.len());
    let (mut keys, mut set_null) = (0, 0);
    for (table, blocker) in readiness.blockers() {
        let text = blocker.to_string();
        assert_eq!(
            readiness.tables[table].0,
            Role::Distributed,
            "{table}: {text}"
        );
        if text == format!("unique key {table}_pkey (id) does not include organization_id") {
            keys += 1;
        } else if text.contains("holds organization_id and is ON DELETE SET NULL") {
            set_null += 1;
        } else {
            panic!("{table}: an unexpected blocker: {text}");
        }
    }
    let distributed = readiness
        .tables
        .values()
        .filter(|(role, _)| *role == Role::Distributed)
        .count();
    assert_eq!(
        keys, distributed,
        "every distributed table's key is (id) today"
    );
    assert_eq!(
        readiness.summary(),
        format!(
            "{distributed} distributed by organization_id, {} reference, {} local; {} blockers in \
             {distributed} tables",
            REFERENCE_TABLES.len(),
            catalog.tables.len() - distributed - REFERENCE_TABLES.len(),
            keys + set_null
        )
    );
}
