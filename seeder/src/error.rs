//! What can stop a seed. Every message says what went wrong and what to do; none holds a
//! password. Whatever the error, the seed's transaction was rolled back: nothing was written.

use sea_orm::DbErr;

/// How many migration names an error lists before summarising the rest.
const LISTED: usize = 3;

fn list(names: &[String]) -> String {
    if names.len() <= LISTED {
        names.join(", ")
    } else {
        format!(
            "{} and {} more",
            names[..LISTED].join(", "),
            names.len() - LISTED
        )
    }
}

/// A failed seed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The schema is not (fully) migrated.
    #[error(
        "the database has {} pending migration(s) ({}): run `make migrate` first, then seed again",
        .pending.len(), list(.pending)
    )]
    PendingMigrations {
        /// Names of the migrations not applied yet, in order.
        pending: Vec<String>,
    },
    /// The database has applied migrations this build does not know.
    #[error(
        "the database has applied migrations this build does not know ({}): it is ahead of this \
         checkout; update your checkout (git pull) before seeding",
        list(.unknown)
    )]
    UnknownMigrations {
        /// Names of the unknown migrations.
        unknown: Vec<String>,
    },
    /// The seed lock could not be taken (another seeder held it for longer than
    /// `--lock-timeout`: the message names it) or was lost before the commit.
    #[error("{0}. The seed was rolled back or never started; nothing was written")]
    Lock(Box<neonhub_db::DbError>),
    /// Writing one fixture row failed.
    #[error(
        "writing {table} fixture '{identity}' failed: {}. The seed was rolled back; nothing \
         was written",
        neonhub_db::describe(.error)
    )]
    Write {
        /// The table.
        table: &'static str,
        /// The fixture.
        identity: String,
        /// The database's error (said in the message, not a `source`: no driver internals).
        error: DbErr,
    },
    /// The seed was stopped on purpose by [`crate::SeedOptions::fail_after`].
    #[error(
        "seed stopped after the {table} fixtures as requested (fail_after): the seed was rolled \
         back; nothing was written"
    )]
    Injected {
        /// The table after which the seed stopped.
        table: String,
    },
    /// An option names a table the seed does not write.
    #[error("'{0}' is not a table the seed writes; seeded tables: {1}")]
    UnknownTable(String, String),
    /// The compiled-in fixtures are inconsistent (a bug of this build).
    #[error(
        "the built-in fixtures are invalid: {0}. This is a bug of the seeder: please report it"
    )]
    InvalidFixtures(String),
    /// The database cannot take writes (a read replica): said as the plumbing says it.
    #[error(transparent)]
    NotPrimary(neonhub_db::DbError),
    /// Any other database error (beginning or committing the transaction, reading state).
    #[error(
        "database error while seeding: {}. The seed was rolled back; nothing was written",
        neonhub_db::describe(.0)
    )]
    Db(DbErr),
}

impl From<DbErr> for SeedError {
    fn from(err: DbErr) -> Self {
        SeedError::Db(err)
    }
}
