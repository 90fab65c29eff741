//! Live, read-only checks of a NeonHub database.
//!
//! - [`count_tables`]: the row count of every table in the entity registry, concurrently over a
//!   small pool; a missing table or a failed count is reported on its row, not as a crash.
//! - [`doctor`]: the readiness report: tools, connection, extensions, migrations, the
//!   application role (its logins, stuck sessions, stored settings), schema, indexes, seed and
//!   connector catalogue, each check computed live.
//! - [`schema_doc`]: the generated schema reference, `docs/SCHEMA.md`.
//! - [`prisma`]: the generated Prisma schema of the TypeScript client, `prisma/schema.prisma`.
//! - [`scale_out`]: Citus readiness from the catalog (each table's role and its blockers),
//!   also a section of the doctor report.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod agreement;
mod counts;
mod doctor;
pub mod prisma;
pub mod scale_out;
pub mod schema_doc;

pub use counts::{TableCount, count_tables, render_counts};
pub use doctor::{
    Check, DoctorOptions, EXPECTED_LOGIN_SETTINGS, Report, Status, WAITING_WARN, app_role_checks,
    doctor, doctor_with, looks_like_leftover,
};
