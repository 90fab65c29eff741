//! `users`: People who sign in to NeonHub. Email is unique case-insensitively: stored normalised
//! ([`normalize_email`]), under a plain unique key.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// People who sign in to NeonHub. Email is unique case-insensitively: stored normalised
/// ([`normalize_email`]), under a plain unique key.
///
/// Table `users` (Identity and sessions).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Unique (`users_email_key`), stored normalised: lower-case ASCII letters, no surrounding
    /// spaces (trigger `users_normalize_email` normalises every write, check `users_email_check`
    /// holds it). Look a user up with `Column::Email.eq(normalize_email(input))`.
    #[sea_orm(column_type = "Text", unique)]
    pub email: String,
    #[sea_orm(column_type = "Text")]
    pub name: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub image: Option<String>,
    pub email_verified_at: Option<DateTimeWithTimeZone>,
    /// Unique.
    #[sea_orm(column_type = "Text", unique)]
    pub stripe_customer_id: Option<String>,
    #[sea_orm(default_value = false)]
    pub is_beta_user: bool,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(has_many)]
    pub accounts: HasMany<super::accounts::Entity>,
    #[sea_orm(has_many)]
    pub sessions: HasMany<super::sessions::Entity>,
    #[sea_orm(has_one)]
    pub user_settings: HasOne<super::user_settings::Entity>,
    #[sea_orm(has_many, relation_enum = "OrganizationMembersAsUser", via_rel = "User")]
    pub organization_members_as_user: HasMany<super::organization_members::Entity>,
    #[sea_orm(has_many, relation_enum = "OrganizationMembersAsInvitedBy", via_rel = "InvitedBy")]
    pub organization_members_as_invited_by: HasMany<super::organization_members::Entity>,
    #[sea_orm(has_many)]
    pub api_keys: HasMany<super::api_keys::Entity>,
    #[sea_orm(has_many, relation_enum = "TeamMembersAsUser", via_rel = "User")]
    pub team_members_as_user: HasMany<super::team_members::Entity>,
    #[sea_orm(has_many, relation_enum = "TeamMembersAsInvitedBy", via_rel = "InvitedBy")]
    pub team_members_as_invited_by: HasMany<super::team_members::Entity>,
    #[sea_orm(has_many)]
    pub agent_jobs: HasMany<super::agent_jobs::Entity>,
    #[sea_orm(has_many)]
    pub conversations: HasMany<super::conversations::Entity>,
    #[sea_orm(has_many)]
    pub messages: HasMany<super::messages::Entity>,
    #[sea_orm(has_many)]
    pub documents: HasMany<super::documents::Entity>,
    #[sea_orm(has_many)]
    pub content: HasMany<super::content::Entity>,
    #[sea_orm(has_many)]
    pub content_drafts: HasMany<super::content_drafts::Entity>,
    #[sea_orm(has_many)]
    pub campaigns: HasMany<super::campaigns::Entity>,
    #[sea_orm(has_one)]
    pub subscriptions: HasOne<super::subscriptions::Entity>,
    #[sea_orm(has_many, relation_enum = "TasksAsCreatedBy", via_rel = "CreatedBy")]
    pub tasks_as_created_by: HasMany<super::tasks::Entity>,
    #[sea_orm(has_many, relation_enum = "TasksAsAssignee", via_rel = "Assignee")]
    pub tasks_as_assignee: HasMany<super::tasks::Entity>,
    #[sea_orm(has_many)]
    pub feedback: HasMany<super::feedback::Entity>,
    #[sea_orm(has_many)]
    pub audit_logs: HasMany<super::audit_logs::Entity>,
    #[sea_orm(has_many)]
    pub connector_auths: HasMany<super::connector_auths::Entity>,
    #[sea_orm(has_many)]
    pub credentials: HasMany<super::credentials::Entity>,
}

crate::uuid_v7_primary_key!();

/// `email` as the database stores it: surrounding spaces trimmed, ASCII letters lower-cased
/// (`lower(btrim(email) COLLATE "C")`, the same on every server whatever its locale; other
/// letters are kept as they are). Normalise an address before looking it up by equality:
///
/// ```
/// assert_eq!(entity::users::normalize_email("  Ana.Lopez@Example.COM "), "ana.lopez@example.com");
/// assert_eq!(entity::users::normalize_email("Émile@x.test"), "Émile@x.test");
/// ```
pub fn normalize_email(email: &str) -> String {
    email.trim_matches(' ').to_ascii_lowercase()
}
