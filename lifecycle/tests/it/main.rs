//! Integration tests of the lifecycle tool: export, erasure, retention purge, the CLI.
//! One binary, a module per concern (tests/it/main.rs), against a real PostgreSQL: each test gets
//! its own database cloned from the migrated template (`testkit`).

mod cli;
mod erase;
mod export;
mod pooler;
mod purge;
