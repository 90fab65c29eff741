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
