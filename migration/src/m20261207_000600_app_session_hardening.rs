//! The application role cannot poison a pooled connection nor read what it only writes.
//!
//! - `TEMPORARY` on this database is revoked from PUBLIC: the application login cannot create
//!   temporary tables (which, first on a `search_path` the attacker sets, would shadow the
//!   tables of the next request on the same pooled connection). The owner keeps it. `CONNECT`
//!   on this database is granted to `neonhub_app` explicitly, so that an operator may revoke it
//!   from PUBLIC without locking the API out. (Database privileges are not copied by
//!   `CREATE DATABASE … TEMPLATE`: a copy made that way needs the REVOKE again; `make doctor`
//!   checks it.)
//! - `metric_events` (product telemetry of every tenant, no row-level security) is INSERT-only
//!   for the application: no UPDATE, DELETE or SELECT but of `id` (what `INSERT … RETURNING
//!   id` needs).
//!
//! Raw SQL: sea-query has no statements for grants.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO neonhub_app', current_database());
END
$$;
REVOKE SELECT, UPDATE, DELETE ON metric_events FROM neonhub_app;
GRANT SELECT (id) ON metric_events TO neonhub_app;
"#;

const DOWN: &str = r#"
REVOKE SELECT (id) ON metric_events FROM neonhub_app;
GRANT SELECT, UPDATE, DELETE ON metric_events TO neonhub_app;
DO $$
BEGIN
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM neonhub_app', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
END
$$;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(UP).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(DOWN).await?;
        Ok(())
    }
}
