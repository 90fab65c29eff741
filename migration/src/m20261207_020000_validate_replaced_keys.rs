//! Validates the constraints that migrations 20261207_000300 and 20261207_000500 added
//! `NOT VALID`: the organization foreign keys that now cascade (`agent_jobs`,
//! `connector_auths`, `content_drafts`, `feedback`, `tasks`, `team_members`) and
//! `verification_tokens_identifier_check`.
//!
//! Adding a constraint takes an `ACCESS EXCLUSIVE` lock; validating it in the same transaction
//! would hold that lock for the whole scan of the table. Here the scan runs in a transaction of
//! its own under `SHARE UPDATE EXCLUSIVE`, so reads and writes go on while it checks the rows.
//! The constraints bound every new row from the moment they were added.
//!
//! `down` puts them back as they were before this migration (`NOT VALID`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, constraint) validated here.
const CONSTRAINTS: &[(&str, &str)] = &[
    ("agent_jobs", "agent_jobs_organization_id_fkey"),
    ("connector_auths", "connector_auths_organization_id_fkey"),
    ("content_drafts", "content_drafts_organization_id_fkey"),
    ("feedback", "feedback_organization_id_fkey"),
    ("tasks", "tasks_organization_id_fkey"),
    ("team_members", "team_members_organization_id_fkey"),
    (
        "verification_tokens",
        "verification_tokens_identifier_check",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, name) in CONSTRAINTS {
            db.execute_unprepared(&format!("ALTER TABLE {table} VALIDATE CONSTRAINT {name}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (table, name) in CONSTRAINTS.iter().rev() {
            // PostgreSQL cannot mark a constraint unvalidated: it is replaced by the same one,
            // NOT VALID, as migrations 000300 and 000500 left it.
            let definition = if name.ends_with("_fkey") {
                "FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE"
            } else {
                "CHECK (char_length(identifier) <= 320)"
            };
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} DROP CONSTRAINT {name};
                 ALTER TABLE {table} ADD CONSTRAINT {name} {definition} NOT VALID"
            ))
            .await?;
        }
        Ok(())
    }
}
