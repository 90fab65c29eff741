//! Integration tests of the benchmark's code on small data: correctness only, never timings.
//! One binary, a module per concern (tests/it/main.rs), against a real PostgreSQL: each test gets
//! its own database cloned from the migrated template (`testkit`).

mod correctness;
mod rls;
