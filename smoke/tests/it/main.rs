//! Integration tests of smoke and doctor: checks, JSON output, make's stdout, PITR and replica servers.
//! One binary, a module per concern (tests/it/main.rs), against a real PostgreSQL: each test gets
//! its own database cloned from the migrated template (`testkit`).

/// The tests that start PostgreSQL servers of their own (PITR, replica) take turns: each runs
/// several server processes, and as separate binaries they ran one after the other.
pub(crate) static OWN_SERVERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

mod agreement;
mod app_role;
mod doctor;
mod make_output;
mod pitr;
mod replica;
mod scale_out;
mod schema_doc;
mod smoke;
mod typescript;
