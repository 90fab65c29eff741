//! The NeonHub demo fixtures and the logic that seeds them: idempotent, transactional and safe
//! to run concurrently.
//!
//! ```no_run
//! # async fn demo(db: &sea_orm::DatabaseConnection) -> Result<(), seeder::SeedError> {
//! let report = seeder::seed(db, &seeder::SeedOptions::default()).await?;
//! println!("{}", report.summary()); // "131 created, 0 updated, 0 unchanged", then "0 created, ..."
//! # Ok(()) }
//! ```
//!
//! - [`fixtures`] builds the plan: the `NeonHub` organization, its people and roles, brand,
//!   agents and tools, a support conversation, a RAG dataset, a campaign, the connector
//!   catalogue (one entry per `ConnectorKind`, from `fixtures/connectors.json`) and demo
//!   connections, all linked by real foreign keys. It is pure data: no database involved.
//! - [`seed`] writes the plan in one transaction under an advisory lock, upserting every row by
//!   its natural key (or deterministic [`fixture_id`]): run it once, ten times or four at once,
//!   the database ends in the same state, and a run with nothing to do writes nothing.
//! - [`seeded_tables`] lists the tables the plan fills (for `smoke --expect-seeded`).
//! - [`fixture_embedding`] makes the deterministic, unit-length fixture embeddings.
//! - [`synth`] generates and bulk-loads synthetic data at scale (`seeder synth`): tenants of
//!   unequal size, clustered embeddings, binary `COPY`.
//!
//! No fixture holds a secret: every secret (`bytea`) column stays NULL.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod catalogue;
pub mod embedding;
mod error;
pub mod fixtures;
mod report;
mod run;
pub mod synth;
mod upsert;

pub use catalogue::{ConnectorSpec, ToolSpec, connector_catalogue};
pub use embedding::{cosine_similarity, fixture_embedding};
pub use error::SeedError;
pub use fixtures::{Fixtures, fixture_id, fixtures};
pub use report::{SeedReport, TableReport};
pub use run::{DEFAULT_LOCK_TIMEOUT, LOCK, SeedOptions, check_migrations, seed, seeded_tables};
pub use synth::{SynthError, SynthOptions, SynthPlan, SynthReport};
