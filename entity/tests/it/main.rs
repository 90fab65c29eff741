//! Integration tests of the entity crate, one binary (a module per concern), against a real
//! PostgreSQL: each test gets its own database cloned from the migrated template (`testkit`).

mod audit_log;
mod common;
mod context_attacks;
mod crud;
mod deferred_graph;
mod membership_attacks;
mod pooler;
mod relations_and_deletes;
mod search;
mod secrets;
mod sign_in_attacks;
mod tenant_attacks;
mod tenant_isolation;
mod tenant_plans;
