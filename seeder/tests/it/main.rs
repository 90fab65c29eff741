//! Integration tests of the seeder, one binary (a module per concern), against a real
//! PostgreSQL: each test gets its own database cloned from the migrated template (`testkit`).

mod cli;
mod common;
mod concurrency;
mod crash;
mod failure;
mod fixtures;
mod idempotence;
mod migrations;
mod synth;
