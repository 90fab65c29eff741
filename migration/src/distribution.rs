//! Where each table lives on Citus: the one list the migrations, `doctor` (its "Scale-out
//! readiness" and "Citus" sections) and docs/SCALE_OUT.md read.
//!
//! Three roles:
//!
//! - **distributed** by `organization_id`, every such table in one co-location group (a
//!   tenant's rows of every table on the same shard, so its joins and foreign keys stay on one
//!   node): every table with a `NOT NULL organization_id` that is not listed below.
//! - **reference** (a full copy on every node, written on all of them in one distributed
//!   transaction): [`REFERENCE_TABLES`], the tables distributed tables point at and the tables
//!   that policies, definer functions and triggers read while they run on a shard (a statement
//!   running on a shard may read a table only where the node holds it whole).
//! - **local** (on the coordinator only; a "Citus local table" when a foreign key links it to a
//!   reference table): [`LOCAL_TABLES`], the user-private rows (a `NULL organization_id` has no
//!   shard), the user-scoped tables nothing on a shard reads, and the migrations' bookkeeping.
//!
//! Each listed table says why. A table added by a later migration gets its role here in the
//! same change. Today `doctor` reads it ("Scale-out readiness": what keeps each table from its
//! role); the migrations that make the schema distributable and distribute it on Citus are to
//! come (docs/SCALE_OUT.md).

use std::fmt;

/// The distribution column.
pub const DISTRIBUTION_COLUMN: &str = "organization_id";

/// A table's role under Citus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Hash-distributed by `organization_id`, all such tables co-located.
    Distributed,
    /// A copy on every node.
    Reference,
    /// On the coordinator only.
    Local,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Distributed => "distributed by organization_id",
            Role::Reference => "reference",
            Role::Local => "local",
        })
    }
}

/// Reference tables of `public`, and why.
pub const REFERENCE_TABLES: &[(&str, &str)] = &[
    (
        "organizations",
        "every tenant table's foreign key points at it; policies and triggers read it",
    ),
    (
        "users",
        "tenant tables name users (created_by_id, owner_id, author_id, …) by foreign key",
    ),
    (
        "connectors",
        "the catalogue of integrations, read by every tenant (tools.connector_id)",
    ),
    (
        "organization_members",
        "membership checks run on the shards: attribution triggers, users_read, app_has_permission",
    ),
    (
        "organization_roles",
        "read with the memberships (role slugs, the last-owner rule) on every node",
    ),
    (
        "organization_permissions",
        "read by app_has_permission in the RBAC policies",
    ),
    (
        "role_permissions",
        "read by app_has_permission in the RBAC policies",
    ),
    (
        "api_keys",
        "found by token hash across tenants (tenant_enter_api_key): the hash stays unique everywhere",
    ),
];

/// Reference tables outside `public`: the key that signs tenant contexts, which the context
/// readers verify on every node.
pub const PRIVATE_REFERENCE_TABLES: &[&str] = &["neonhub_private.context_key"];

/// Local (coordinator) tables of `public`, and why.
pub const LOCAL_TABLES: &[(&str, &str)] = &[
    (
        "team_members",
        "user-private rows (NULL organization_id) have no shard; small, written on invitations",
    ),
    (
        "agent_jobs",
        "user-private rows (NULL organization_id) have no shard",
    ),
    (
        "content_drafts",
        "user-private rows (NULL organization_id) have no shard",
    ),
    (
        "tasks",
        "user-private rows (NULL organization_id) have no shard",
    ),
    (
        "feedback",
        "user-private rows (NULL organization_id) have no shard",
    ),
    (
        "audit_logs",
        "user-private and system entries (NULL organization_id), kept when their organization is deleted",
    ),
    (
        "connector_auths",
        "user-private connections (NULL organization_id) have no shard",
    ),
    (
        "trigger_configs",
        "children of connector_auths (local), by foreign key",
    ),
    (
        "action_configs",
        "children of connector_auths (local), by foreign key",
    ),
    (
        "accounts",
        "the user's sign-in accounts: read by the user and the API, never on a shard",
    ),
    (
        "sessions",
        "read by tenant_enter_session on the coordinator",
    ),
    ("credentials", "the user's own credentials"),
    (
        "verification_tokens",
        "sign-in tokens, used through definer functions on the coordinator",
    ),
    ("user_settings", "the user's own settings"),
    ("subscriptions", "billing of a user"),
    ("invoices", "billing of a user"),
    ("usage_records", "billing of a user"),
    (
        "metric_events",
        "product telemetry, insert-only for the application",
    ),
    ("seaql_migrations", "the migrations' bookkeeping"),
    ("_migration_checksums", "the migrations' bookkeeping"),
];

/// The role of `table` (of `public`), given whether it has a `NOT NULL organization_id`.
pub fn role(table: &str, has_tenant_column: bool) -> Role {
    if REFERENCE_TABLES.iter().any(|(t, _)| *t == table) {
        Role::Reference
    } else if LOCAL_TABLES.iter().any(|(t, _)| *t == table) || !has_tenant_column {
        Role::Local
    } else {
        Role::Distributed
    }
}

/// Why a listed table has its role (`None` for the distributed ones, which need no reason).
pub fn reason(table: &str) -> Option<&'static str> {
    REFERENCE_TABLES
        .iter()
        .chain(LOCAL_TABLES)
        .find(|(t, _)| *t == table)
        .map(|(_, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_table_has_two_roles() {
        for (t, _) in REFERENCE_TABLES {
            assert!(!LOCAL_TABLES.iter().any(|(l, _)| l == t), "{t}");
        }
        assert_eq!(role("brands", true), Role::Distributed);
        assert_eq!(role("organization_members", true), Role::Reference);
        assert_eq!(role("tasks", false), Role::Local);
        assert_eq!(role("a_new_table_without_tenant", false), Role::Local);
        assert!(reason("brands").is_none() && reason("users").is_some());
    }
}
