//! Running migrations safely: under the `migrations` tool lock ([`neonhub_db::ToolLock`]: a
//! table of `neonhub_locks` held by an open transaction on a connection of its own, which the
//! application login may not take and a transaction pooler cannot lose), refusing edited
//! migrations and databases that are ahead of this build, and recording a checksum of every
//! applied migration in `_migration_checksums` (beside sea-orm-migration's `seaql_migrations`).
//!
//! A rollback past the tenant-isolation migration drops the application role `neonhub_app`;
//! the runner records its members before any rollback and restores or names their grants
//! afterwards ([`crate::membership`]).

use crate::checksums::{reconcile, verify};
use crate::membership::restore_members;
use crate::state::{applied, known};
use crate::{Migrator, PGVECTOR_MISSING};
use neonhub_db::app_role;
use neonhub_db::{DatabaseUrl, DbError, ToolLock, ToolLockName};
use sea_orm_migration::MigratorTrait;
use sea_orm_migration::sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement,
};
use std::time::Duration;

/// The tool lock of the migration runner.
pub const LOCK: ToolLockName = ToolLockName::Migrations;

/// What a run should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Apply pending migrations (all, or at most N).
    Up(Option<u32>),
    /// Roll back N applied migrations.
    Down(u32),
    /// Drop everything, then apply all migrations.
    Fresh,
    /// Roll back everything, then apply all migrations.
    Refresh,
    /// Roll back everything.
    Reset,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Timeout for opening the lock connection.
    pub connect_timeout: Duration,
    /// How long to wait for another migrator holding the lock.
    pub lock_wait: Duration,
    /// Applied migrations whose edited source is accepted: their recorded checksum is replaced.
    pub accept_changed: Vec<String>,
    /// `lock_timeout` of every migration statement.
    pub ddl_lock_timeout: Duration,
    /// `statement_timeout` of every migration statement.
    pub statement_timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            connect_timeout: neonhub_db::DEFAULT_CONNECT_TIMEOUT,
            lock_wait: Duration::from_secs(60),
            accept_changed: Vec::new(),
            ddl_lock_timeout: crate::DEFAULT_LOCK_TIMEOUT,
            statement_timeout: crate::DEFAULT_STATEMENT_TIMEOUT,
        }
    }
}

/// Why a run refused or failed. Every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Applied migrations whose source changed since they were applied.
    #[error(
        "applied migration(s) changed since they were applied: {}. Never edit an applied \
         migration: revert the edit and add a new migration instead. If the edit is deliberate \
         (a comment, a formatting fix), accept it with `--accept-changed <name>`",
        .0.join(", ")
    )]
    Changed(Vec<String>),
    /// The database has applied migrations this build does not know.
    #[error(
        "the database has applied migrations this build does not know: {}. It is ahead of this \
         checkout: update your checkout (git pull) and rebuild before migrating",
        .0.join(", ")
    )]
    AheadOfBuild(Vec<String>),
    /// `--accept-changed` named something that is not an applied, changed migration.
    #[error("--accept-changed {0}: no applied migration of that name has a changed checksum")]
    NothingToAccept(String),
    /// The server has no pgvector.
    #[error("{PGVECTOR_MISSING}")]
    PgvectorMissing,
    /// A migration statement waited longer than the lock timeout.
    #[error(
        "migration {migration} could not get its lock within {seconds}s and was rolled back \
         (nothing of it was applied). {holders}. Retry once that work is done (`make migrate` \
         again), end the blocking session, or raise --ddl-lock-timeout"
    )]
    LockTimeout {
        /// The migration that gave up.
        migration: String,
        /// The lock timeout.
        seconds: u64,
        /// Who held locks on our tables at that moment.
        holders: String,
    },
    /// A migration that runs outside a transaction, through a transaction pooler.
    #[error(
        "migration {migration} runs outside a transaction (it builds or drops an index \
         CONCURRENTLY), which cannot be done safely through the transaction pooler in front of \
         {target} ({reason}): the migrations before it are applied, nothing of it was run. Run \
         `migration {command}` with the direct URL: set DIRECT_DATABASE_URL (Neon: \
         DATABASE_URL_UNPOOLED, the connection string without -pooler)"
    )]
    OutsideTransactionBehindPooler {
        /// The migration.
        migration: String,
        /// The server's `host:port`.
        target: String,
        /// Why a pooler is assumed.
        reason: String,
        /// The command to run again.
        command: &'static str,
    },
    /// Connecting or locking failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// A migration or a bookkeeping query failed (said as [`neonhub_db::describe`] says it;
    /// not a `source`, so that the driver's wrapping is not printed after it).
    #[error("{}", neonhub_db::describe(.0))]
    Migration(DbErr),
}

impl From<DbErr> for RunError {
    fn from(err: DbErr) -> Self {
        RunError::Migration(err)
    }
}

/// What a run did: its one-line summary, and what it says about the application role's
/// members (grants it restored, or grants to restore), one line each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// One line for people and logs.
    pub summary: String,
    /// Lines about `neonhub_app`'s members after a rollback (empty when nothing changed).
    pub membership: Vec<String>,
}

/// [`run_with_report`], its membership lines printed on stderr; returns the summary.
pub async fn run(
    url: &DatabaseUrl,
    db: &DatabaseConnection,
    action: Action,
    options: &RunOptions,
) -> Result<String, RunError> {
    let (report, result) = run_with_report(url, db, action, options).await;
    for line in &report.membership {
        eprintln!("{line}");
    }
    result.map(|()| report.summary)
}

/// Run `action` on the database of `url` under the `migrations` lock (taken on its own
/// connection). `db` (any pool) is only asked whether the server is a primary with pgvector:
/// the migrations run on one connection of their own to `url`, closed at the end. Migrations in
/// a transaction set their timeouts with `SET LOCAL`; those outside one (concurrent index
/// builds, which cannot run in a transaction) get the lock timeout from the session's startup
/// packet ([`neonhub_db::connect_tool_session`]), never from a `SET` that a transaction pooler
/// could leave on another client's connection (through a pooler they run without it). The report's membership lines are filled in also when the run fails.
pub async fn run_with_report(
    url: &DatabaseUrl,
    db: &DatabaseConnection,
    action: Action,
    options: &RunOptions,
) -> (RunReport, Result<(), RunError>) {
    let mut report = RunReport::default();
    let result = run_reporting(url, db, action, options, &mut report).await;
    (report, result)
}

async fn run_reporting(
    url: &DatabaseUrl,
    db: &DatabaseConnection,
    action: Action,
    options: &RunOptions,
    report: &mut RunReport,
) -> Result<(), RunError> {
    neonhub_db::require_primary(db).await?;
    if matches!(action, Action::Up(_) | Action::Fresh | Action::Refresh)
        && !neonhub_db::pgvector_available(db).await?
    {
        return Err(RunError::PgvectorMissing);
    }
    let lock = ToolLock::acquire(url, LOCK, options.connect_timeout, options.lock_wait).await?;
    let settings = [(
        "lock_timeout",
        crate::guard::setting(options.ddl_lock_timeout),
    )];
    let result = match session(url, options, &settings).await {
        Ok((session, pooler)) => {
            let behind = pooler.map(|reason| Pooler {
                target: url.target(),
                reason,
            });
            let result = run_locked(&session, &lock, action, options, behind, report).await;
            let _ = neonhub_db::close(session).await;
            result
        }
        Err(err) => Err(err.into()),
    };
    let released = lock.release().await;
    report.summary = result?;
    released?;
    Ok(())
}

/// A transaction pooler in front of the server: where, and why it is assumed.
struct Pooler {
    target: String,
    reason: &'static str,
}

/// The session the migrations run on: direct, with the lock timeout of migrations outside a
/// transaction in its startup packet; or, behind a transaction pooler (the URL says so, or the
/// pooler refused those settings), a pool in pooler mode, where every statement runs in a
/// transaction that begins with `DEALLOCATE ALL` ([`neonhub_db::connect`]), and why.
async fn session(
    url: &DatabaseUrl,
    options: &RunOptions,
    settings: &[(&str, String)],
) -> Result<(DatabaseConnection, Option<&'static str>), DbError> {
    let (session, pooler) =
        neonhub_db::connect_tool_session(url, options.connect_timeout, settings, "migration")
            .await?;
    let Some(reason) = pooler else {
        return Ok((session, None));
    };
    session.close().await.ok();
    let pinned = neonhub_db::connect_with_mode(
        url,
        options.connect_timeout,
        1,
        neonhub_db::app::PoolerMode::TransactionPooler,
    )
    .await?;
    Ok((pinned, Some(reason)))
}

/// Behind a pooler: refuse `name` when it runs outside a transaction.
fn check_pooled(
    pooler: Option<&Pooler>,
    name: &str,
    command: &'static str,
) -> Result<(), RunError> {
    let Some(pooler) = pooler else {
        return Ok(());
    };
    let outside = Migrator::migrations()
        .iter()
        .any(|m| m.name() == name && m.use_transaction() == Some(false));
    if outside {
        return Err(RunError::OutsideTransactionBehindPooler {
            migration: name.to_owned(),
            target: pooler.target.clone(),
            reason: pooler.reason.to_owned(),
            command,
        });
    }
    Ok(())
}

async fn run_locked(
    db: &DatabaseConnection,
    lock: &ToolLock,
    action: Action,
    options: &RunOptions,
    pooler: Option<Pooler>,
    report: &mut RunReport,
) -> Result<String, RunError> {
    let pooler = pooler.as_ref();
    if let (Some(pooled), Action::Fresh | Action::Refresh | Action::Reset) = (pooler, action) {
        // Every one of these runs the migrations that cannot go through a pooler.
        let first = Migrator::migrations()
            .iter()
            .find(|m| m.use_transaction() == Some(false))
            .map(|m| m.name().to_owned())
            .unwrap_or_default();
        return Err(RunError::OutsideTransactionBehindPooler {
            migration: first,
            target: pooled.target.clone(),
            reason: pooled.reason.to_owned(),
            command: match action {
                Action::Fresh => "fresh",
                Action::Refresh => "refresh",
                _ => "reset",
            },
        });
    }
    if action != Action::Fresh {
        verify(db, &options.accept_changed).await?;
    }
    crate::set_timeouts(options.ddl_lock_timeout, options.statement_timeout);
    let before = applied(db).await?;
    let members = if matches!(action, Action::Up(_)) {
        None
    } else {
        Some(app_role::members(db).await?)
    };
    // A migration refused behind a pooler: those before it are recorded, then the refusal said.
    let mut refusal = None;
    let result = match action {
        Action::Up(steps) => {
            // One migration at a time, each started only while the lock is provably held: a
            // lock whose session was ended (a stale-looking holder terminated) stops the run
            // before the next migration, so two migrators never overlap by more than one.
            match Migrator::get_pending_migrations(db).await {
                Err(err) => Err(err),
                Ok(pending) => {
                    let names: Vec<String> = pending.iter().map(|m| m.name().to_owned()).collect();
                    let count = steps.map_or(names.len(), |n| (n as usize).min(names.len()));
                    let mut outcome = Ok(());
                    for name in &names[..count] {
                        if let Err(err) = check_pooled(pooler, name, "up") {
                            refusal = Some(err);
                            break;
                        }
                        lock.still_held().await?;
                        outcome = Migrator::up(db, Some(1)).await;
                        if outcome.is_err() {
                            break;
                        }
                    }
                    outcome
                }
            }
        }
        Action::Down(steps) if pooler.is_some() => {
            // One at a time, each checked: what runs outside a transaction is refused.
            let mut outcome = Ok(());
            for _ in 0..steps {
                let Some(last) = applied(db).await?.last().cloned() else {
                    break;
                };
                if let Err(err) = check_pooled(pooler, &last, "down") {
                    refusal = Some(err);
                    break;
                }
                lock.still_held().await?;
                outcome = Migrator::down(db, Some(1)).await;
                if outcome.is_err() {
                    break;
                }
            }
            outcome
        }
        Action::Down(steps) => Migrator::down(db, Some(steps)).await,
        Action::Fresh => fresh(db).await,
        Action::Refresh => Migrator::refresh(db).await,
        Action::Reset => Migrator::reset(db).await,
    };
    if let Some(members) = members {
        report.membership = restore_members(db, &members).await;
    }
    if let Err(err) = result {
        return Err(explain(db, err, &before, options).await);
    }
    let before = before.len();
    // The checksums are the runner's record of success: only while the lock is provably held.
    lock.still_held().await?;
    reconcile(db).await?;
    if let Some(refusal) = refusal {
        return Err(refusal);
    }
    let after = applied(db).await?.len();
    Ok(match action {
        Action::Up(_) => format!(
            "applied {} migration(s), {after} applied in all",
            after - before
        ),
        Action::Down(_) => format!(
            "rolled back {} migration(s), {after} applied in all",
            before - after
        ),
        Action::Fresh => format!("dropped everything and applied {after} migration(s)"),
        Action::Refresh => format!("rolled back {before} and applied {after} migration(s)"),
        Action::Reset => format!("rolled back {before} migration(s)"),
    })
}

/// Turn a lock timeout into a message that names the migration and who holds the locks.
async fn explain(
    db: &DatabaseConnection,
    err: DbErr,
    before: &[String],
    options: &RunOptions,
) -> RunError {
    if !neonhub_db::is_lock_timeout(&err) {
        return RunError::Migration(err);
    }
    let after = applied(db).await.unwrap_or_default();
    let migration = known()
        .into_iter()
        .find(|m| !after.contains(m))
        .or_else(|| before.last().cloned())
        .unwrap_or_else(|| "(unknown)".into());
    let holders = match db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.relname::text AS rel, l.mode AS mode, a.pid AS pid,
                    coalesce(a.state, '') AS state,
                    coalesce(extract(epoch FROM now() - a.xact_start)::bigint, 0) AS secs,
                    left(regexp_replace(a.query, '\\s+', ' ', 'g'), 80) AS query
               FROM pg_locks l
               JOIN pg_class c ON c.oid = l.relation
               JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE l.granted AND a.pid <> pg_backend_pid()
                AND a.datname = current_database()
                AND c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
              ORDER BY c.relname, a.pid",
        ))
        .await
    {
        Ok(rows) if !rows.is_empty() => {
            let list: Vec<String> = rows
                .iter()
                .filter_map(|r| {
                    Some(format!(
                        "table {} is held in {} by pid {} ({}, transaction open {}s: {})",
                        r.try_get::<String>("", "rel").ok()?,
                        r.try_get::<String>("", "mode").ok()?,
                        r.try_get::<i32>("", "pid").ok()?,
                        r.try_get::<String>("", "state").ok()?,
                        r.try_get::<i64>("", "secs").ok()?,
                        r.try_get::<String>("", "query").ok()?
                    ))
                })
                .collect();
            format!("It waited behind: {}", list.join("; "))
        }
        _ => "The session that held the lock has finished".to_owned(),
    };
    RunError::LockTimeout {
        migration,
        seconds: options.ddl_lock_timeout.as_secs(),
        holders,
    }
}

/// Drop everything of ours, then apply every migration. sea-orm-migration's `fresh` drops
/// the tables and types of `public` but neither functions (ours: the trigger functions, the
/// tenant context readers) nor other schemas (`neonhub_private`: the context and ticket keys),
/// so those go first; functions that belong to extensions stay.
async fn fresh(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("DROP SCHEMA IF EXISTS neonhub_private CASCADE")
        .await?;
    db.execute_unprepared(
        "DO $$
         DECLARE f regprocedure;
         BEGIN
             FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
                       WHERE p.pronamespace = 'public'::regnamespace
                         AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                          WHERE d.objid = p.oid AND d.deptype = 'e')
             LOOP
                 EXECUTE format('DROP FUNCTION %s CASCADE', f);
             END LOOP;
         END
         $$",
    )
    .await?;
    Migrator::fresh(db).await
}
