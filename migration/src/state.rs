//! Where each migration stands in a database compared with this build: the one reading of
//! `seaql_migrations` and `_migration_checksums` that the runner, the seeder's refusal and
//! `doctor` share, so that none of them can be greener than another.

use crate::Migrator;
use neonhub_db::catalog::relation_exists;
use sea_orm_migration::MigratorTrait;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use std::collections::BTreeMap;
use std::fmt;

include!(concat!(env!("OUT_DIR"), "/checksums.rs"));

/// The table where the runner records the checksum of every applied migration's source.
pub const CHECKSUM_TABLE: &str = "_migration_checksums";

/// The state of one migration in one database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MigrationStatus {
    /// Applied, and its source is the one that was applied (or no checksum was recorded).
    Applied,
    /// Known to this build, not applied.
    Pending,
    /// Applied, but its source changed since: the database may not hold what the file says.
    ChangedSinceApplied,
    /// Applied, but this build has no such migration: the database is ahead of the checkout.
    UnknownToThisBuild,
}

impl MigrationStatus {
    /// Whether the migration is recorded as applied in the database.
    pub fn is_applied(self) -> bool {
        self != MigrationStatus::Pending
    }

    /// Whether a database with a migration in this state is fit to use by this build.
    pub fn is_ok(self) -> bool {
        self == MigrationStatus::Applied
    }
}

impl fmt::Display for MigrationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MigrationStatus::Applied => "applied",
            MigrationStatus::Pending => "pending",
            MigrationStatus::ChangedSinceApplied => "applied, changed since applied",
            MigrationStatus::UnknownToThisBuild => "applied, unknown to this build",
        })
    }
}

/// One migration and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    /// Migration name, e.g. `m20261125_000400_brand`.
    pub name: String,
    /// Its state.
    pub status: MigrationStatus,
}

/// The checksum this build computed for the source of migration `name`.
pub fn build_checksum(name: &str) -> Option<&'static str> {
    CHECKSUMS.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// The names of this build's migrations, in order.
pub fn known() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

/// Every migration of this build, in order, then every applied migration this build does not
/// know, each with its state. Reads only: on a database never migrated it creates nothing.
pub async fn read<C: ConnectionTrait>(db: &C) -> Result<Vec<MigrationState>, DbErr> {
    let applied = applied(db).await?;
    let recorded = recorded(db).await?;
    let known = known();
    let mut states: Vec<MigrationState> = known
        .iter()
        .map(|name| {
            let status = if !applied.contains(name) {
                MigrationStatus::Pending
            } else if recorded
                .get(name)
                .is_some_and(|c| Some(c.as_str()) != build_checksum(name))
            {
                MigrationStatus::ChangedSinceApplied
            } else {
                MigrationStatus::Applied
            };
            MigrationState {
                name: name.clone(),
                status,
            }
        })
        .collect();
    states.extend(
        applied
            .into_iter()
            .filter(|a| !known.contains(a))
            .map(|name| MigrationState {
                name,
                status: MigrationStatus::UnknownToThisBuild,
            }),
    );
    Ok(states)
}

/// The names of the migrations of `states` in state `status`, in order.
pub fn named(states: &[MigrationState], status: MigrationStatus) -> Vec<String> {
    states
        .iter()
        .filter(|m| m.status == status)
        .map(|m| m.name.clone())
        .collect()
}

/// Rows of `sql`, each column read as text; a column that does not decode is an error that
/// names `table`.
async fn text_rows<C: ConnectionTrait>(
    db: &C,
    table: &str,
    sql: &str,
    columns: usize,
) -> Result<Vec<Vec<String>>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?;
    rows.iter()
        .map(|row| {
            (0..columns)
                .map(|i| row.try_get_by_index::<String>(i))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|err| DbErr::Custom(format!("reading {table}: {err}")))
        })
        .collect()
}

/// Applied migrations (from `seaql_migrations`), in name order, without creating anything.
pub(crate) async fn applied<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    let table = Migrator::migration_table_name().to_string();
    if !relation_exists(db, &table).await? {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT version FROM \"{table}\" ORDER BY version");
    Ok(text_rows(db, &table, &sql, 1)
        .await?
        .into_iter()
        .flatten()
        .collect())
}

/// Recorded checksums (from [`CHECKSUM_TABLE`]), without creating anything.
async fn recorded<C: ConnectionTrait>(db: &C) -> Result<BTreeMap<String, String>, DbErr> {
    if !relation_exists(db, CHECKSUM_TABLE).await? {
        return Ok(BTreeMap::new());
    }
    let sql = format!("SELECT version, checksum FROM {CHECKSUM_TABLE}");
    Ok(text_rows(db, CHECKSUM_TABLE, &sql, 2)
        .await?
        .into_iter()
        .filter_map(|row| {
            let mut columns = row.into_iter();
            Some((columns.next()?, columns.next()?))
        })
        .collect())
}
