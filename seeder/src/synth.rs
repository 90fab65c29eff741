//! Synthetic data at scale: organizations of unequal size with datasets, documents, chunks,
//! brands, brand voices, conversations and messages, all with clustered 1536-d embeddings,
//! bulk-loaded with binary `COPY`.
//!
//! ```no_run
//! # async fn demo(db: &sea_orm::DatabaseConnection) -> Result<(), seeder::synth::SynthError> {
//! use seeder::synth::{LoadOptions, SynthOptions, SynthPlan, load};
//! let plan = SynthPlan::new(SynthOptions { chunks: 100_000, seed: 7, ..SynthOptions::default() })?;
//! let report = load(db, &plan, &LoadOptions::default()).await?;
//! println!("{}", report.summary());
//! let small = plan.small_tenant().expect("two tenants or more"); // tenant 0: 1% of the rows
//! # let _ = small; Ok(()) }
//! ```
//!
//! - [`SynthPlan`] is the data set as a pure function of [`SynthOptions`]: the same seed gives
//!   the same rows, ids (deterministic UUIDv8, increasing within a table) and vectors. Tenant 0
//!   holds 1% of the chunks and messages by default ([`SynthOptions::shares`] sets the sizes);
//!   the others share the rest by a Zipf law.
//! - Vectors ([`VectorSpace`]): a few hundred random unit centroids plus Gaussian noise,
//!   normalised, each row's cluster drawn uniformly, whatever its tenant.
//! - [`load`] writes a plan in one transaction with binary `COPY` (pgvector's binary format)
//!   through the sqlx pool under SeaORM, in batches, while a generator thread encodes the next
//!   rows; the HNSW indexes are dropped first and built again at the end ([`IndexMode`]). A
//!   progress bar (rows/s) shows on a terminal, log lines otherwise ([`ProgressMode`]).
//!
//! Organizations are named `synth-<seed>-<n>`; a second load of the same seed is refused
//! unless [`LoadOptions::replace`] deletes the first.

mod copy;
mod load;
mod plan;
mod progress;
pub(crate) mod rng;

pub use copy::{CopyEncoder, HEADER, SIGNATURE, TRAILER};
pub use load::{
    IndexDef, IndexMode, LoadOptions, SynthReport, TableLoad, build_index, graph_default_sql,
    hnsw_indexes, load,
};
pub use plan::{
    EMAIL_DOMAIN, SMALL_TENANT_SHARE, SynthOptions, SynthPlan, SynthTable, Tenant, estimate_bytes,
    slug_prefix, split, synth_id,
};
pub use progress::ProgressMode;
pub use rng::VectorSpace;

use crate::SeedError;
use sea_orm::{DbErr, sqlx};

/// A synthetic load that failed. Whatever the error, the load's transaction was rolled back.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// An option is out of range.
    #[error("invalid synth options: {0}")]
    InvalidOptions(String),
    /// The schema is not ready (pending or unknown migrations).
    #[error(transparent)]
    Schema(#[from] SeedError),
    /// The same seed was loaded before.
    #[error(
        "synthetic data of seed {seed} is already loaded ({orgs} organizations named \
         synth-{seed}-*): pass --replace to delete it and load again, or choose another --seed"
    )]
    AlreadyLoaded {
        /// The seed.
        seed: u64,
        /// Its organizations found.
        orgs: u64,
    },
    /// A `COPY` into a table failed.
    #[error("bulk load of {table} failed: {source}. The load was rolled back; nothing was written")]
    Copy {
        /// The table.
        table: &'static str,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// Another statement of the load failed.
    #[error("synthetic load failed: {0}. The load was rolled back; nothing was written")]
    Sql(#[from] sqlx::Error),
    /// A SeaORM call failed.
    #[error("synthetic load failed: {0}")]
    Db(#[from] DbErr),
    /// The generator thread stopped (a bug).
    #[error("the row generator stopped: {0}")]
    Generator(String),
}
