//! The tenant keys of 2026-12-03, shared by the migrations `m20261203_000200` to `000500`
//! (frozen: later schema changes get new migrations, never an edit here).
//!
//! Every organization-owned child table carries its parent's `organization_id` (user-owned
//! children: `user_id`), and every foreign key between two tenant tables includes the tenant
//! column, so that a row can never point into another tenant and every policy is a plain
//! indexed equality. Each tenant table gets an index leading with its tenant column (unique
//! `(tenant, id)`: the target of the composite keys and the index of ordered tenant listings).

/// A child table that gets its parent's tenant column.
pub struct Child {
    /// The child table.
    pub table: &'static str,
    /// `organization_id` or `user_id`.
    pub tenant: &'static str,
    /// The foreign key column naming the parent.
    pub fk: &'static str,
    /// The parent table.
    pub parent: &'static str,
}

const fn child(
    table: &'static str,
    tenant: &'static str,
    fk: &'static str,
    parent: &'static str,
) -> Child {
    Child {
        table,
        tenant,
        fk,
        parent,
    }
}

/// Children that get the tenant column, with the parent it is copied from.
pub const CHILDREN: &[Child] = &[
    child("role_permissions", ORG, "role_id", "organization_roles"),
    child("brand_voices", ORG, "brand_id", "brands"),
    child("brand_assets", ORG, "brand_id", "brands"),
    child("agent_capabilities", ORG, "agent_id", "agents"),
    child("agent_configs", ORG, "agent_id", "agents"),
    child("agent_run_metrics", ORG, "agent_run_id", "agent_runs"),
    child("tool_executions", ORG, "tool_id", "tools"),
    child("training_jobs", ORG, "model_version_id", "model_versions"),
    child("campaign_metrics", ORG, "campaign_id", "campaigns"),
    child("email_sequences", ORG, "campaign_id", "campaigns"),
    child("social_posts", ORG, "campaign_id", "campaigns"),
    child("ab_tests", ORG, "campaign_id", "campaigns"),
    child("invoices", USER, "subscription_id", "subscriptions"),
    child("usage_records", USER, "subscription_id", "subscriptions"),
];

const ORG: &str = "organization_id";
const USER: &str = "user_id";

/// A foreign key that becomes tenant-scoped: `(fk, tenant) REFERENCES parent (id, tenant)`.
pub struct ScopedKey {
    /// Referencing table.
    pub table: &'static str,
    /// Tenant column of both tables.
    pub tenant: &'static str,
    /// The foreign key column.
    pub fk: &'static str,
    /// Referenced table.
    pub parent: &'static str,
    /// `true`: ON DELETE SET NULL (of the key column only); `false`: ON DELETE CASCADE.
    pub set_null: bool,
}

const fn scoped(
    table: &'static str,
    tenant: &'static str,
    fk: &'static str,
    parent: &'static str,
    set_null: bool,
) -> ScopedKey {
    ScopedKey {
        table,
        tenant,
        fk,
        parent,
        set_null,
    }
}

/// Every foreign key between two tables of one tenant, as it was single-column before.
pub const SCOPED_KEYS: &[ScopedKey] = &[
    scoped(
        "role_permissions",
        ORG,
        "role_id",
        "organization_roles",
        false,
    ),
    scoped(
        "role_permissions",
        ORG,
        "permission_id",
        "organization_permissions",
        false,
    ),
    scoped(
        "organization_members",
        ORG,
        "role_id",
        "organization_roles",
        true,
    ),
    scoped("brand_voices", ORG, "brand_id", "brands", false),
    scoped(
        "brand_voices",
        ORG,
        "embedding_space_id",
        "embedding_spaces",
        false,
    ),
    scoped("brand_assets", ORG, "brand_id", "brands", false),
    scoped(
        "datasets",
        ORG,
        "embedding_space_id",
        "embedding_spaces",
        true,
    ),
    scoped("documents", ORG, "dataset_id", "datasets", true),
    scoped(
        "documents",
        ORG,
        "embedding_space_id",
        "embedding_spaces",
        true,
    ),
    scoped("chunks", ORG, "dataset_id", "datasets", false),
    scoped("chunks", ORG, "document_id", "documents", false),
    scoped(
        "chunks",
        ORG,
        "embedding_space_id",
        "embedding_spaces",
        false,
    ),
    scoped("agent_capabilities", ORG, "agent_id", "agents", false),
    scoped("agent_configs", ORG, "agent_id", "agents", false),
    scoped("agent_runs", ORG, "agent_id", "agents", false),
    scoped("agent_runs", ORG, "dataset_id", "datasets", true),
    scoped(
        "agent_run_metrics",
        ORG,
        "agent_run_id",
        "agent_runs",
        false,
    ),
    scoped("tools", ORG, "agent_id", "agents", true),
    scoped("tool_executions", ORG, "agent_run_id", "agent_runs", true),
    scoped("tool_executions", ORG, "tool_id", "tools", false),
    scoped("messages", ORG, "conversation_id", "conversations", false),
    scoped(
        "training_jobs",
        ORG,
        "model_version_id",
        "model_versions",
        false,
    ),
    scoped(
        "inference_endpoints",
        ORG,
        "model_version_id",
        "model_versions",
        true,
    ),
    scoped("campaign_metrics", ORG, "campaign_id", "campaigns", false),
    scoped("email_sequences", ORG, "campaign_id", "campaigns", false),
    scoped("social_posts", ORG, "campaign_id", "campaigns", false),
    scoped("ab_tests", ORG, "campaign_id", "campaigns", false),
    scoped("invoices", USER, "subscription_id", "subscriptions", false),
    scoped(
        "usage_records",
        USER,
        "subscription_id",
        "subscriptions",
        false,
    ),
];

/// Tables whose `organization_id` was NOT NULL before: a unique `(organization_id, id)` each.
pub const TENANT_TABLES: &[&str] = &[
    "organization_roles",
    "organization_permissions",
    "organization_members",
    "api_keys",
    "embedding_spaces",
    "brands",
    "agents",
    "agent_runs",
    "tools",
    "conversations",
    "messages",
    "datasets",
    "documents",
    "chunks",
    "model_versions",
    "inference_endpoints",
    "content",
    "campaigns",
];

/// Tables with a nullable `organization_id`: a plain `(organization_id, id)` index each.
pub const NULLABLE_TENANT_TABLES: &[&str] = &[
    "team_members",
    "agent_jobs",
    "content_drafts",
    "tasks",
    "feedback",
    "audit_logs",
    "connector_auths",
];

/// Single-column `organization_id` indexes made redundant by the `(organization_id, id)` ones.
pub const REDUNDANT_INDEXES: &[(&str, &str)] = &[
    (
        "agent_jobs_organization_id_idx",
        "agent_jobs (organization_id)",
    ),
    (
        "agent_runs_organization_id_idx",
        "agent_runs (organization_id)",
    ),
    ("api_keys_organization_id_idx", "api_keys (organization_id)"),
    ("chunks_organization_id_idx", "chunks (organization_id)"),
    (
        "connector_auths_organization_id_idx",
        "connector_auths (organization_id)",
    ),
    ("content_organization_id_idx", "content (organization_id)"),
    (
        "content_drafts_organization_id_idx",
        "content_drafts (organization_id)",
    ),
    (
        "documents_organization_id_idx",
        "documents (organization_id)",
    ),
    ("feedback_organization_id_idx", "feedback (organization_id)"),
    ("messages_organization_id_idx", "messages (organization_id)"),
    ("tasks_organization_id_idx", "tasks (organization_id)"),
    (
        "team_members_organization_id_idx",
        "team_members (organization_id)",
    ),
];

/// An index leading with a tenant column: (name, definition after `ON`, unique).
pub fn tenant_indexes() -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for t in TENANT_TABLES {
        out.push((
            format!("{t}_organization_id_id_key"),
            format!("{t} (organization_id, id)"),
            true,
        ));
    }
    out.push((
        "subscriptions_user_id_id_key".to_owned(),
        "subscriptions (user_id, id)".to_owned(),
        true,
    ));
    for c in CHILDREN {
        let rest = if c.table == "role_permissions" {
            "role_id, permission_id"
        } else {
            "id"
        };
        let name = format!("{}_{}_{}", c.table, c.tenant, rest.replace(", ", "_"));
        out.push((
            format!("{name}_key"),
            format!("{} ({}, {rest})", c.table, c.tenant),
            true,
        ));
    }
    for t in NULLABLE_TENANT_TABLES {
        out.push((
            format!("{t}_organization_id_id_idx"),
            format!("{t} (organization_id, id)"),
            false,
        ));
    }
    out
}

impl Child {
    /// `app_current_org_id()` or `app_current_user_id()`.
    pub fn current(&self) -> &'static str {
        if self.tenant == ORG {
            "app_current_org_id()"
        } else {
            "app_current_user_id()"
        }
    }

    /// Name of the NOT NULL check used while the column is filled.
    pub fn check_name(&self) -> String {
        format!("{}_{}_not_null", self.table, self.tenant)
    }
}

impl ScopedKey {
    /// The new constraint's name.
    pub fn name(&self) -> String {
        format!("{}_{}_{}_fkey", self.table, self.fk, self.tenant)
    }

    /// The single-column constraint it replaces.
    pub fn old_name(&self) -> String {
        format!("{}_{}_fkey", self.table, self.fk)
    }

    fn on_delete(&self) -> String {
        if self.set_null {
            format!("SET NULL ({})", self.fk)
        } else {
            "CASCADE".to_owned()
        }
    }

    /// `ALTER TABLE … ADD CONSTRAINT` of the tenant-scoped key, NOT VALID.
    pub fn add_not_valid(&self) -> String {
        format!(
            "ALTER TABLE {t} ADD CONSTRAINT {n} FOREIGN KEY ({fk}, {tc}) REFERENCES {p} (id, {tc}) \
             ON DELETE {d} NOT VALID",
            t = self.table,
            n = self.name(),
            fk = self.fk,
            tc = self.tenant,
            p = self.parent,
            d = self.on_delete(),
        )
    }

    /// `ALTER TABLE … ADD CONSTRAINT` of the single-column key it replaces.
    pub fn add_old(&self) -> String {
        format!(
            "ALTER TABLE {t} ADD CONSTRAINT {n} FOREIGN KEY ({fk}) REFERENCES {p} (id) ON DELETE {d}",
            t = self.table,
            n = self.old_name(),
            fk = self.fk,
            p = self.parent,
            d = if self.set_null { "SET NULL" } else { "CASCADE" },
        )
    }
}
