//! The checksum bookkeeping of the runner: `_migration_checksums` holds a checksum of every
//! applied migration's source (beside sea-orm-migration's `seaql_migrations`), so that a run
//! refuses a database ahead of this build or a migration edited after it was applied.

use crate::runner::RunError;
use crate::state::{self, MigrationStatus, applied, build_checksum};
use sea_orm_migration::sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement,
};

/// Refuse when the database is ahead of this build or an applied migration changed (unless
/// accepted, in which case its new checksum is recorded).
pub(crate) async fn verify(db: &DatabaseConnection, accept: &[String]) -> Result<(), RunError> {
    let states = state::read(db).await?;
    let unknown = state::named(&states, MigrationStatus::UnknownToThisBuild);
    if !unknown.is_empty() {
        return Err(RunError::AheadOfBuild(unknown));
    }
    let changed = state::named(&states, MigrationStatus::ChangedSinceApplied);
    for name in accept {
        if !changed.contains(name) {
            return Err(RunError::NothingToAccept(name.clone()));
        }
    }
    let refused: Vec<String> = changed
        .into_iter()
        .filter(|c| !accept.contains(c))
        .collect();
    if !refused.is_empty() {
        return Err(RunError::Changed(refused));
    }
    for name in accept {
        record(db, name, true).await?;
        tracing::warn!("accepted the edited source of applied migration {name}");
    }
    Ok(())
}

async fn record(db: &DatabaseConnection, name: &str, replace: bool) -> Result<(), DbErr> {
    let Some(checksum) = build_checksum(name) else {
        return Ok(());
    };
    let conflict = if replace {
        "DO UPDATE SET checksum = EXCLUDED.checksum, recorded_at = now()"
    } else {
        "DO NOTHING"
    };
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "INSERT INTO _migration_checksums (version, checksum) VALUES ($1, $2) \
             ON CONFLICT (version) {conflict}"
        ),
        [name.into(), checksum.into()],
    ))
    .await?;
    Ok(())
}

/// Make `_migration_checksums` agree with `seaql_migrations`: a row with this build's checksum
/// for each applied migration that has none, no row for a migration that is not applied.
pub(crate) async fn reconcile(db: &DatabaseConnection) -> Result<(), DbErr> {
    let applied = applied(db).await?;
    if applied.is_empty() {
        db.execute_unprepared("DROP TABLE IF EXISTS _migration_checksums")
            .await?;
        return Ok(());
    }
    db.execute_unprepared(
        "CREATE TABLE IF NOT EXISTS _migration_checksums (
             version text PRIMARY KEY,
             checksum text NOT NULL,
             recorded_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    db.execute_unprepared(
        "DELETE FROM _migration_checksums c
          WHERE NOT EXISTS (SELECT 1 FROM seaql_migrations m WHERE m.version = c.version)",
    )
    .await?;
    for name in applied {
        record(db, &name, false).await?;
    }
    Ok(())
}
