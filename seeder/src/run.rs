//! Running the seed: one transaction, under the `seed` tool lock (held on a connection of its
//! own), every fixture row upserted in order.

use crate::SeedError;
use crate::fixtures::{AUDIT_INSTALLED, AUDIT_UPDATED, Fixtures, Step, fixture_id, fixtures};
use crate::report::{Outcome, SeedReport};
use crate::upsert::{FixtureRow, Key, Row};
use entity::prelude::*;
use migration::state::{self, MigrationStatus};
use neonhub_db::{ToolLock, ToolLockName};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    Statement, TransactionTrait,
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The seeder's tool lock (table `neonhub_locks.seed`): the application login cannot take it.
pub const LOCK: ToolLockName = ToolLockName::Seed;

/// Default time to wait for another seeder holding the lock.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// How to seed.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// Do everything, report, then roll back: nothing is written.
    pub dry_run: bool,
    /// How long to wait for the seed lock (and for any row lock) before giving up;
    /// zero waits forever.
    pub lock_timeout: Duration,
    /// Fail on purpose once every fixture row of this table has been written (to test that a
    /// failure leaves the database as it was). Must name one of [`seeded_tables`]. Test hook:
    /// only with the `test-hooks` feature, which release builds do not carry.
    #[cfg(feature = "test-hooks")]
    pub fail_after: Option<String>,
    /// Pause for 30 s inside the transaction once every fixture row of this table has been
    /// written, after printing `paused after <table>` to stderr (to test that killing the
    /// process midway leaves nothing behind). Test hook, as `fail_after`.
    #[cfg(feature = "test-hooks")]
    pub pause_after: Option<String>,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            dry_run: false,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            #[cfg(feature = "test-hooks")]
            fail_after: None,
            #[cfg(feature = "test-hooks")]
            pause_after: None,
        }
    }
}

/// The tables the seed writes, in write order, computed from the fixture plan.
///
/// # Panics
///
/// Only if the compiled-in fixture files are invalid, which the crate's unit tests rule out.
pub fn seeded_tables() -> Vec<&'static str> {
    fixtures()
        .map(|plan| plan.tables())
        .expect("the compiled-in fixtures are valid (the crate's unit tests build them)")
}

/// Seed the NeonHub fixtures into `db`.
///
/// First the seed lock ([`LOCK`]) is taken on a connection of its own beside `db` (same server
/// and credentials), waiting at most `lock_timeout`, so concurrent seeders run one after the
/// other and all succeed. Then everything happens in one transaction on `db`, which refuses to
/// go on if migrations are pending. Each fixture row is upserted by its natural key (or
/// deterministic id): rows already equal to their fixture are not touched. An audit entry is
/// written only when the run changed something. The transaction commits only while the lock
/// is provably still held; any error rolls everything back. The lock is released last.
pub async fn seed(db: &DatabaseConnection, options: &SeedOptions) -> Result<SeedReport, SeedError> {
    let started = Instant::now();
    let plan = fixtures()?;
    hooks::check(options, &plan.tables())?;
    neonhub_db::require_primary(db)
        .await
        .map_err(SeedError::NotPrimary)?;
    let wait = if options.lock_timeout.is_zero() {
        Duration::MAX
    } else {
        options.lock_timeout
    };
    let lock = ToolLock::acquire_beside(db, LOCK, wait)
        .await
        .map_err(|e| SeedError::Lock(Box::new(e)))?;
    let seeded = seed_locked(db, &lock, plan, options).await;
    // The seed's outcome is decided; a failed release frees the lock all the same (closing
    // its connection ends its transaction).
    lock.release().await.ok();
    let mut report = seeded?;
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// The seed's transaction, under `lock`.
async fn seed_locked(
    db: &DatabaseConnection,
    lock: &ToolLock,
    plan: Fixtures,
    options: &SeedOptions,
) -> Result<SeedReport, SeedError> {
    let txn = db.begin().await?;
    let applied = async {
        let report = apply(&txn, plan, options).await?;
        lock.still_held()
            .await
            .map_err(|e| SeedError::Lock(Box::new(e)))?;
        Ok::<_, SeedError>(report)
    }
    .await;
    match applied {
        Ok(report) => {
            if options.dry_run {
                txn.rollback().await?;
            } else {
                txn.commit().await?;
            }
            Ok(report)
        }
        Err(err) => {
            // A failed rollback changes nothing for the caller: the server discards the
            // transaction with the session anyway. The first error is the one to report.
            txn.rollback().await.ok();
            Err(err)
        }
    }
}

/// Check that every migration of this build is applied, and no unknown one (the state comes
/// from [`migration::state::read`], the runner's own reading).
///
/// Reads only: on a database that was never migrated it creates nothing.
pub async fn check_migrations(db: &impl ConnectionTrait) -> Result<(), SeedError> {
    let states = state::read(db).await?;
    let unknown = state::named(&states, MigrationStatus::UnknownToThisBuild);
    if !unknown.is_empty() {
        return Err(SeedError::UnknownMigrations { unknown });
    }
    let pending = state::named(&states, MigrationStatus::Pending);
    if !pending.is_empty() {
        return Err(SeedError::PendingMigrations { pending });
    }
    Ok(())
}

/// Bound the transaction's waits for row and table locks by `timeout` (zero: no bound).
async fn limit_lock_waits(txn: &DatabaseTransaction, timeout: Duration) -> Result<(), SeedError> {
    txn.execute_unprepared(&format!(
        "SET LOCAL lock_timeout = '{}ms'",
        timeout.as_millis()
    ))
    .await?;
    Ok(())
}

/// Everything inside the transaction.
async fn apply(
    txn: &DatabaseTransaction,
    plan: Fixtures,
    options: &SeedOptions,
) -> Result<SeedReport, SeedError> {
    limit_lock_waits(txn, options.lock_timeout).await?;
    check_migrations(txn).await?;
    let tables = plan.tables();
    let mut report = SeedReport::new(options.dry_run, &tables);
    let mut ids: HashMap<Uuid, Uuid> = HashMap::new();
    let mut steps = plan.steps.into_iter().peekable();
    while let Some(step) = steps.next() {
        let table = step.table();
        let outcome = match step {
            Step::Row(mut row) => Some(write(txn, row.as_mut(), &mut ids).await?),
            Step::Audit { organization, user } => {
                audit(txn, &report, organization, user, &mut ids).await?
            }
        };
        if let Some(outcome) = outcome {
            report.record(table, outcome);
        }
        let last_of_table = steps.peek().is_none_or(|next| next.table() != table);
        if last_of_table {
            hooks::after_table(options, table).await?;
        }
    }
    Ok(report)
}

/// Upsert one row; record its id in the database when it differs from the fixture's.
async fn write(
    txn: &DatabaseTransaction,
    row: &mut dyn FixtureRow,
    ids: &mut HashMap<Uuid, Uuid>,
) -> Result<Outcome, SeedError> {
    row.remap(ids);
    let failed = |row: &dyn FixtureRow, error: DbErr| SeedError::Write {
        table: row.table(),
        identity: row.identity().to_owned(),
        error,
    };
    let written = txn
        .query_one_raw(row.upsert())
        .await
        .map_err(|e| failed(row, e))?;
    let (outcome, id) = match written {
        Some(result) => {
            let inserted: bool = result.try_get("", "inserted").map_err(|e| failed(row, e))?;
            let id = match row.id() {
                Some(_) => Some(
                    result
                        .try_get::<Uuid>("", "id")
                        .map_err(|e| failed(row, e))?,
                ),
                None => None,
            };
            let outcome = if inserted {
                Outcome::Created
            } else {
                Outcome::Updated
            };
            (outcome, id)
        }
        None => match row.lookup() {
            Some(query) => {
                let found = txn
                    .query_one_raw(query)
                    .await
                    .map_err(|e| failed(row, e))?
                    .ok_or_else(|| {
                        failed(
                            row,
                            DbErr::RecordNotFound("the row vanished while seeding".into()),
                        )
                    })?;
                let id: Uuid = found.try_get("", "id").map_err(|e| failed(row, e))?;
                (Outcome::Unchanged, Some(id))
            }
            None => (Outcome::Unchanged, row.id()),
        },
    };
    if let (Some(fixture), Some(actual)) = (row.id(), id)
        && fixture != actual
    {
        ids.insert(fixture, actual);
    }
    Ok(outcome)
}

/// Write the audit entry when this run changed something: the install entry the first time,
/// an "updated" entry on later runs that had to create or repair rows. A run that changes
/// nothing writes nothing; it counts the install entry as unchanged if it exists.
async fn audit(
    txn: &DatabaseTransaction,
    report: &SeedReport,
    organization: Uuid,
    user: Uuid,
    ids: &mut HashMap<Uuid, Uuid>,
) -> Result<Option<Outcome>, SeedError> {
    let installed = fixture_id("audit_logs", AUDIT_INSTALLED);
    if !report.changed() {
        let exists = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT 1 FROM audit_logs WHERE id = $1",
                [installed.into()],
            ))
            .await?
            .is_some();
        return Ok(exists.then_some(Outcome::Unchanged));
    }
    let changes = |pick: fn(&crate::TableReport) -> u64| {
        report
            .tables
            .iter()
            .filter(|t| pick(t) > 0)
            .map(|t| (t.table.clone(), pick(t)))
            .collect::<BTreeMap<_, _>>()
    };
    let organization_id = ids.get(&organization).copied().unwrap_or(organization);
    let metadata = json!({
        "seeder": concat!("seeder ", env!("CARGO_PKG_VERSION")),
        "fixtures": "neonhub-demo",
        "created": changes(|t| t.created),
        "updated": changes(|t| t.updated),
    });
    for (action, id) in [
        (AUDIT_INSTALLED, installed),
        (AUDIT_UPDATED, Uuid::now_v7()),
    ] {
        let mut row = Row::new(
            action,
            audit_logs::ActiveModel {
                id: Set(id),
                organization_id: Set(Some(organization)),
                user_id: Set(Some(user)),
                actor_type: Set(Some("system".into())),
                action: Set(action.into()),
                resource_type: Set(Some("organization".into())),
                resource_id: Set(Some(organization_id.to_string())),
                metadata: Set(Some(metadata.clone())),
                ..audit_logs::ActiveModel::new()
            },
            Key::Primary,
        );
        row.set_insert_only();
        if write(txn, &mut row, ids).await? == Outcome::Created {
            return Ok(Some(Outcome::Created));
        }
    }
    Err(SeedError::InvalidFixtures(
        "the audit entry could not be written under a fresh id".into(),
    ))
}

/// The test hooks (`fail_after`, `pause_after`): with the `test-hooks` feature only (the crate's
/// own tests turn it on); without it they do nothing and cost nothing.
mod hooks {
    use super::SeedOptions;
    use crate::SeedError;

    /// Refuse a `fail_after` that names a table the seed does not write.
    #[cfg(feature = "test-hooks")]
    pub(super) fn check(options: &SeedOptions, tables: &[&str]) -> Result<(), SeedError> {
        match &options.fail_after {
            Some(table) if !tables.contains(&table.as_str()) => {
                Err(SeedError::UnknownTable(table.clone(), tables.join(", ")))
            }
            _ => Ok(()),
        }
    }

    /// Pause or fail once every fixture row of `table` has been written, as asked.
    #[cfg(feature = "test-hooks")]
    pub(super) async fn after_table(options: &SeedOptions, table: &str) -> Result<(), SeedError> {
        if options.pause_after.as_deref() == Some(table) {
            eprintln!("paused after {table}");
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        }
        if options.fail_after.as_deref() == Some(table) {
            return Err(SeedError::Injected {
                table: table.to_owned(),
            });
        }
        Ok(())
    }

    /// Without the feature: nothing to check.
    #[cfg(not(feature = "test-hooks"))]
    pub(super) fn check(_: &SeedOptions, _: &[&str]) -> Result<(), SeedError> {
        Ok(())
    }

    /// Without the feature: nothing to do.
    #[cfg(not(feature = "test-hooks"))]
    pub(super) async fn after_table(_: &SeedOptions, _: &str) -> Result<(), SeedError> {
        Ok(())
    }
}
