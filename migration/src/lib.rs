//! Every schema change of the NeonHub database, in order, as reversible migrations.
//!
//! [`Migrator`] lists them for sea-orm-migration; [`runner`] runs them under the migration
//! advisory lock with checksums of applied migrations; [`state`] says where each migration
//! stands in a database (applied, pending, changed since applied, unknown to this build); the
//! `migration` binary is its CLI. Migrations never import the entity crate: each states its
//! tables as they were at that point in history.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub use sea_orm_migration::prelude::*;

mod checksums;
pub mod distribution;
mod guard;
mod m20261125_000100_extension_enums_trigger_fn;
mod m20261125_000200_identity;
mod m20261125_000300_organizations;
mod m20261125_000400_brand;
mod m20261125_000500_knowledge;
mod m20261125_000600_connectors;
mod m20261125_000700_agents;
mod m20261125_000800_conversations;
mod m20261125_000900_models;
mod m20261125_001000_content_campaigns;
mod m20261125_001100_billing;
mod m20261125_001200_work;
mod m20261125_001300_governance;
mod m20261125_001400_add_connector_kind_enum;
mod m20261125_001500_hnsw_vector_indexes;
mod m20261125_001600_updated_at_triggers;
mod m20261125_001700_tenant_isolation;
mod m20261125_001800_append_only_audit_logs;
mod m20261203_000100_tenant_write_rules;
mod m20261203_000200_child_tenant_columns;
mod m20261203_000300_tenant_indexes_and_backfill;
mod m20261203_000400_tenant_keys_not_valid;
mod m20261203_000500_tenant_keys_validate;
mod m20261203_000600_tenant_unique_keys;
mod m20261204_000100_retention_indexes;
mod m20261204_000200_audit_log_purge;
mod m20261204_000300_audit_log_scrub;
mod m20261204_000400_deferred_vector_graph;
mod m20261204_000500_graph_build_quality;
mod m20261204_000600_denser_graph;
mod m20261207_000100_credential_bound_context;
mod m20261207_000200_membership_rules;
mod m20261207_000300_attribution_checks;
mod m20261207_000400_tenant_scoped_oracles;
mod m20261207_000500_sign_in_token_limits;
mod m20261207_000600_app_session_hardening;
mod m20261207_010000_users_email_normalized;
mod m20261207_010100_users_email_key;
mod m20261207_020000_validate_replaced_keys;
mod membership;
pub mod render;
pub mod runner;
pub mod state;
mod tenant_keys;
#[cfg(feature = "test-hooks")]
mod test_hook;
mod util;

pub use guard::{DEFAULT_LOCK_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT, set_timeouts};
pub use m20261125_000100_extension_enums_trigger_fn::PGVECTOR_MISSING;

/// The schema that all migrations together produce, as catalog text (neonhub-db's
/// `Catalog::render`): what the conformance test and `doctor` compare the live schema with.
pub const EXPECTED_SCHEMA: &str = include_str!("../tests/expected_schema.txt");

/// The ordered list of NeonHub migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let all: Vec<Box<dyn MigrationTrait>> = vec![
            Box::new(m20261125_000100_extension_enums_trigger_fn::Migration),
            Box::new(m20261125_000200_identity::Migration),
            Box::new(m20261125_000300_organizations::Migration),
            Box::new(m20261125_000400_brand::Migration),
            Box::new(m20261125_000500_knowledge::Migration),
            Box::new(m20261125_000600_connectors::Migration),
            Box::new(m20261125_000700_agents::Migration),
            Box::new(m20261125_000800_conversations::Migration),
            Box::new(m20261125_000900_models::Migration),
            Box::new(m20261125_001000_content_campaigns::Migration),
            Box::new(m20261125_001100_billing::Migration),
            Box::new(m20261125_001200_work::Migration),
            Box::new(m20261125_001300_governance::Migration),
            Box::new(m20261125_001400_add_connector_kind_enum::Migration),
            Box::new(m20261125_001500_hnsw_vector_indexes::Migration),
            Box::new(m20261125_001600_updated_at_triggers::Migration),
            Box::new(m20261125_001700_tenant_isolation::Migration),
            Box::new(m20261125_001800_append_only_audit_logs::Migration),
            Box::new(m20261203_000100_tenant_write_rules::Migration),
            Box::new(m20261203_000200_child_tenant_columns::Migration),
            Box::new(m20261203_000300_tenant_indexes_and_backfill::Migration),
            Box::new(m20261203_000400_tenant_keys_not_valid::Migration),
            Box::new(m20261203_000500_tenant_keys_validate::Migration),
            Box::new(m20261203_000600_tenant_unique_keys::Migration),
            Box::new(m20261204_000100_retention_indexes::Migration),
            Box::new(m20261204_000200_audit_log_purge::Migration),
            Box::new(m20261204_000300_audit_log_scrub::Migration),
            Box::new(m20261204_000400_deferred_vector_graph::Migration),
            Box::new(m20261204_000500_graph_build_quality::Migration),
            Box::new(m20261204_000600_denser_graph::Migration),
            Box::new(m20261207_000100_credential_bound_context::Migration),
            Box::new(m20261207_000200_membership_rules::Migration),
            Box::new(m20261207_000300_attribution_checks::Migration),
            Box::new(m20261207_000400_tenant_scoped_oracles::Migration),
            Box::new(m20261207_000500_sign_in_token_limits::Migration),
            Box::new(m20261207_000600_app_session_hardening::Migration),
            Box::new(m20261207_010000_users_email_normalized::Migration),
            Box::new(m20261207_010100_users_email_key::Migration),
            Box::new(m20261207_020000_validate_replaced_keys::Migration),
        ];
        // Crash tests pause inside a named migration (feature `test-hooks`, tests only).
        #[cfg(feature = "test-hooks")]
        let all = test_hook::wrap(all);
        guard::wrap(all)
    }
}
