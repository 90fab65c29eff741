//! Integration tests of vector-maintain: the plan, its application, the CLI.
//! One binary, a module per concern (tests/it/main.rs), against a real PostgreSQL: each test gets
//! its own database cloned from the migrated template (`testkit`).

mod cli;
mod locks;
mod pooler;
mod vector_maintain;
