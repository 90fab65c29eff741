//! Data lifecycle as commands: a user's export, the retention policy and its purge.
//!
//! - [`export`]: a user's GDPR export, every row naming them found from the catalog's foreign
//!   keys, one snapshot, streamed through cursors;
//! - [`erase`]: a user's erasure that never destroys their organizations' data (refuses, or
//!   reassigns to a member, or deletes only when told), audit entries scrubbed through the
//!   database's privileged path, one transaction;
//! - [`policy`]: the retention policy, `lifecycle/retention.toml` (embedded: [`Policy::builtin`]),
//!   each rule resolved to a cutoff by the database's clock;
//! - [`purge`]: deletes the rows past their window in bounded batches (one short transaction
//!   each, a lock timeout, a pause between batches), the audit log through the database's
//!   privileged `audit_logs_purge()`; safe to interrupt and rerun; [`overdue`] says which
//!   tables hold rows past their window (doctor warns).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod erase;
pub mod export;
pub mod policy;
pub mod purge;

pub use erase::{EraseError, EraseOptions, EraseReport, erase_user};
pub use export::{ExportError, ExportReport, export_user};
pub use policy::{Policy, PolicyError, Rule};
pub use purge::{PurgeError, PurgeOptions, PurgeReport, TablePurge, overdue, purge};
