//! Integration tests of the migrations: the schema they produce, reversibility, live safety, failures.
//! One binary, a module per concern (tests/it/main.rs), against a real PostgreSQL: each test gets
//! its own database cloned from the migrated template (`testkit`).

mod conformance;
mod connector_kind;
mod errors;
mod live_safety;
mod pooler;
mod reliability;
mod round_trip;
mod tenant_backfill;
mod tool_lock;
mod users_email;
