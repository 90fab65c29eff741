//! The NeonHub demo fixtures, as an ordered plan of rows (parents before children).
//!
//! Rows of tables with a natural unique key (slugs, names, emails, the spec's unique keys) get a
//! fresh UUIDv7 and are matched by that key; if the row already exists under another id, the
//! seeder maps the fixture id to the existing one before writing any child. Rows of tables
//! without a natural key carry a deterministic id, [`fixture_id`], and are matched by it.
//! Every timestamp is fixed (relative to [`FIXTURE_ANCHOR`]) so that a re-run compares equal.

use crate::SeedError;
use crate::catalogue::{agent_specs, connector_catalogue, tool_specs};
use crate::embedding::{fixture_embedding, fnv1a64};
use crate::upsert::{ColumnOf, FixtureRow, Key, Row};
use chrono::{DateTime, Duration, FixedOffset};
use entity::prelude::*;
use sea_orm::prelude::PgVector;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, EntityName, EntityTrait, Iterable, PrimaryKeyToColumn,
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Unix time (seconds) every fixture timestamp is relative to: 2026-10-01T09:00:00Z.
pub const FIXTURE_ANCHOR: i64 = 1_790_845_200;

/// Millisecond timestamp of the deterministic fixture ids: 2026-10-01T00:00:00Z.
const FIXTURE_ID_MILLIS: u64 = 1_790_812_800_000;

/// Slug of the demo organization.
pub const ORGANIZATION_SLUG: &str = "neonhub";
/// Email of the demo admin user.
pub const ADMIN_EMAIL: &str = "admin@neonhub.ai";
/// Email of the second demo user (a member).
pub const MEMBER_EMAIL: &str = "maya@neonhub.ai";
/// Action of the audit row written when the fixtures are first installed.
pub const AUDIT_INSTALLED: &str = "seed.fixtures_installed";
/// Action of the audit row written when a later run had to create or repair fixture rows.
pub const AUDIT_UPDATED: &str = "seed.fixtures_updated";

/// The deterministic UUIDv7 of fixture `identity` in `table`: a fixed timestamp and 80 bits of
/// FNV-1a hash of the pair, so every run (and every database) gives the fixture the same id.
pub fn fixture_id(table: &str, identity: &str) -> Uuid {
    let high = fnv1a64(format!("{table}\u{1f}{identity}").as_bytes()).to_be_bytes();
    let low = fnv1a64(format!("{identity}\u{1f}{table}").as_bytes()).to_be_bytes();
    let mut bytes = [0_u8; 10];
    bytes[..8].copy_from_slice(&high);
    bytes[8..].copy_from_slice(&low[..2]);
    uuid::Builder::from_unix_timestamp_millis(FIXTURE_ID_MILLIS, &bytes).into_uuid()
}

/// A fixture timestamp: the anchor plus `days` and `minutes`.
fn at(days: i64, minutes: i64) -> DateTime<FixedOffset> {
    let anchor = DateTime::from_timestamp(FIXTURE_ANCHOR, 0).unwrap_or_default();
    (anchor + Duration::days(days) + Duration::minutes(minutes)).fixed_offset()
}

/// The deterministic embedding of `text`, as a database vector.
fn vector(text: &str) -> Result<PgVector, SeedError> {
    embedding(fixture_embedding(text)).map_err(|e| SeedError::InvalidFixtures(e.to_string()))
}

/// One step of the seed: a row, or the closing audit entry.
pub(crate) enum Step {
    /// A fixture row.
    Row(Box<dyn FixtureRow>),
    /// The audit entry recording the install; written only when the run changed something.
    Audit {
        /// Fixture id of the organization.
        organization: Uuid,
        /// Fixture id of the admin user.
        user: Uuid,
    },
}

impl Step {
    /// The table the step writes.
    pub(crate) fn table(&self) -> &'static str {
        match self {
            Step::Row(row) => row.table(),
            Step::Audit { .. } => "audit_logs",
        }
    }
}

/// The complete fixture plan, in write order.
pub struct Fixtures {
    pub(crate) steps: Vec<Step>,
}

impl Fixtures {
    /// The tables the plan writes, each once, in write order.
    pub fn tables(&self) -> Vec<&'static str> {
        let mut tables: Vec<&'static str> = Vec::new();
        for step in &self.steps {
            if !tables.contains(&step.table()) {
                tables.push(step.table());
            }
        }
        tables
    }

    /// How many rows the plan holds for each table (the audit entry counts as one), in write
    /// order: the row counts of a fresh database after one seed.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        self.tables()
            .into_iter()
            .map(|t| (t, self.steps.iter().filter(|s| s.table() == t).count()))
            .collect()
    }

    /// Total number of rows in the plan.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the plan is empty (it never is).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    fn push<A>(&mut self, row: Row<A>) -> Option<Uuid>
    where
        A: ActiveModelTrait + Send + Sync + 'static,
    {
        let row: Box<dyn FixtureRow> = Box::new(row);
        let id = row.id();
        self.steps.push(Step::Row(row));
        id
    }

    /// Add a row matched by a natural key; returns its (fixture) id.
    ///
    /// Panics if the row has no single uuid id: a bug in this file, caught by the unit tests.
    fn keyed<A>(&mut self, identity: &str, model: A, key: Key<ColumnOf<A>>) -> Uuid
    where
        A: ActiveModelTrait + Send + Sync + 'static,
    {
        self.push(Row::new(identity, model, key))
            .unwrap_or_else(|| panic!("fixture {identity}: keyed rows need an id"))
    }

    /// Add a row of a table without a natural key: it gets the deterministic
    /// [`fixture_id`] of `identity` and is matched by it.
    fn fixed<A>(&mut self, identity: &str, mut model: A) -> Uuid
    where
        A: ActiveModelTrait + Send + Sync + 'static,
    {
        let table = A::Entity::default().table_name();
        let id = fixture_id(table, identity);
        for pk in <A::Entity as EntityTrait>::PrimaryKey::iter() {
            model.set(pk.into_column(), id.into());
        }
        self.push(Row::new(format!("{table}:{identity}"), model, Key::Primary));
        id
    }

    /// Add a row of a junction table (composite primary key, nothing to update).
    fn link<A>(&mut self, identity: &str, model: A)
    where
        A: ActiveModelTrait + Send + Sync + 'static,
    {
        self.push(Row::new(identity, model, Key::Primary));
    }
}

/// Roles: slug, name, description, granted permission keys (`None` = every permission).
const ROLES: [(&str, &str, &str, Option<&[&str]>); 4] = [
    (
        "owner",
        "Owner",
        "Full control, including billing and deleting the workspace",
        None,
    ),
    (
        "admin",
        "Admin",
        "Manages members, agents, campaigns and connectors",
        None,
    ),
    (
        "member",
        "Member",
        "Runs agents and works on campaigns",
        Some(&["agents:execute"]),
    ),
    ("viewer", "Viewer", "Read-only access", Some(&[])),
];

/// Permissions: key, description.
const PERMISSIONS: [(&str, &str); 4] = [
    (
        "workspace:manage",
        "Change workspace settings, members and billing",
    ),
    ("agents:execute", "Start agent runs and tool executions"),
    (
        "campaigns:publish",
        "Publish campaigns to connected channels",
    ),
    ("data:export", "Export datasets, content and analytics"),
];

/// Users: email, name, beta, role slug, department.
const USERS: [(&str, &str, bool, &str, &str); 2] = [
    (ADMIN_EMAIL, "Alex Rivera", true, "owner", "Leadership"),
    (MEMBER_EMAIL, "Maya Chen", false, "member", "Marketing"),
];

/// Knowledge documents: title, paragraphs (one chunk each).
const DOCUMENTS: [(&str, &[&str]); 2] = [
    (
        "NeonHub brand voice guidelines",
        &[
            "NeonHub speaks like a confident, friendly guide. We explain omni-channel marketing in plain words and never hide behind jargon.",
            "Every message leads with the customer's benefit. Headlines are short, active and specific; sentences stay under twenty words.",
            "Emoji are welcome on social channels and in SMS, sparingly, and never in email subject lines or invoices.",
        ],
    ),
    (
        "Omni-channel launch checklist",
        &[
            "Connect the email connector and verify the sending domain before scheduling the launch email sequence.",
            "Schedule the Instagram and X launch posts for the morning and let the social agent answer comments in the brand voice.",
            "Send the SMS reminder only to subscribers who opted in to SMS.",
            "Stop the subject line A/B test once a variant wins with 95% confidence and send the winner to everyone else.",
        ],
    ),
];

/// The support conversation: role, text.
const MESSAGES: [(MessageRole, &str); 5] = [
    (
        MessageRole::System,
        "You are NeonHub Support. Answer in the NeonHub brand voice and cite the launch checklist.",
    ),
    (
        MessageRole::User,
        "How do I connect our Instagram account so the social agent can publish the launch posts?",
    ),
    (
        MessageRole::Assistant,
        "Open Connectors, choose Instagram and sign in with the business account. NeonHub only asks for publishing and comment scopes.",
    ),
    (
        MessageRole::Tool,
        "connector-status instagram: connected in demo mode, scopes instagram_basic instagram_content_publish",
    ),
    (
        MessageRole::Assistant,
        "Your Instagram account is connected in demo mode. The social agent can now schedule the launch posts.",
    ),
];

/// Campaign metric kinds and their day-0 values and daily growth.
const METRICS: [(&str, f64, f64); 3] = [
    ("impressions", 12_000.0, 1_500.0),
    ("clicks", 480.0, 65.0),
    ("conversions", 36.0, 5.0),
];

/// Days of campaign metrics.
const METRIC_DAYS: i64 = 7;

/// The email sequence: subject, body, day offset, sent.
const EMAIL_SEQUENCE: [(&str, &str, i64, bool); 3] = [
    (
        "Meet NeonHub: every channel, one voice",
        "Hi {{first_name}}, NeonHub brings email, social and SMS into one workspace with agents that write in your brand voice.",
        0,
        true,
    ),
    (
        "Your agents are ready to work",
        "Three days in: connect Instagram and let the social agent schedule your first week of posts.",
        3,
        false,
    ),
    (
        "Last call: launch pricing ends Friday",
        "Launch pricing ends on Friday. Upgrade to Scale to keep every connector and unlimited agent runs.",
        7,
        false,
    ),
];

/// Demo connections of the admin user: connector, account id, account name, scope.
const CONNECTOR_AUTHS: [(&str, &str, &str, Option<&str>); 2] = [
    ("email", "demo-mailbox", "NeonHub demo mailbox", None),
    (
        "instagram",
        "demo-instagram",
        "@neonhub.demo",
        Some("instagram_basic instagram_content_publish instagram_manage_comments"),
    ),
];

/// Ids of fixtures that later fixtures point at.
struct Ids {
    organization: Uuid,
    users: BTreeMap<&'static str, Uuid>,
    space: Uuid,
    dataset: Uuid,
    agents: HashMap<String, Uuid>,
    connectors: HashMap<String, Uuid>,
    tools: HashMap<String, Uuid>,
}

impl Ids {
    fn admin(&self) -> Uuid {
        self.users[ADMIN_EMAIL]
    }

    fn member(&self) -> Uuid {
        self.users[MEMBER_EMAIL]
    }

    fn lookup(map: &HashMap<String, Uuid>, what: &str, name: &str) -> Result<Uuid, SeedError> {
        map.get(name)
            .copied()
            .ok_or_else(|| SeedError::InvalidFixtures(format!("unknown {what} '{name}'")))
    }
}

/// Build the complete fixture plan. Pure: it touches no database.
pub fn fixtures() -> Result<Fixtures, SeedError> {
    let mut plan = Fixtures { steps: Vec::new() };
    let mut ids = organization_and_people(&mut plan);
    connectors(&mut plan, &mut ids)?;
    brand(&mut plan, &ids)?;
    knowledge(&mut plan, &mut ids)?;
    agents_and_tools(&mut plan, &mut ids)?;
    conversation(&mut plan, &ids)?;
    campaign(&mut plan, &ids);
    plan.steps.push(Step::Audit {
        organization: ids.organization,
        user: ids.admin(),
    });
    Ok(plan)
}

fn organization_and_people(plan: &mut Fixtures) -> Ids {
    let organization = plan.keyed(
        ORGANIZATION_SLUG,
        organizations::ActiveModel {
            slug: Set(ORGANIZATION_SLUG.into()),
            name: Set("NeonHub".into()),
            plan: Set("scale".into()),
            settings: Set(Some(json!({
                "timezone": "America/New_York",
                "theme": "dark",
                "locale": "en-US",
                "week_starts_on": "monday"
            }))),
            ..organizations::ActiveModel::new()
        },
        Key::Unique(vec![organizations::Column::Slug]),
    );

    let mut users = BTreeMap::new();
    for (email, name, beta, _, _) in USERS {
        let id = plan.keyed(
            email,
            users::ActiveModel {
                email: Set(email.into()),
                name: Set(Some(name.into())),
                email_verified_at: Set(Some(at(-30, 0))),
                is_beta_user: Set(beta),
                ..users::ActiveModel::new()
            },
            Key::Lower(users::Column::Email),
        );
        users.insert(email, id);
    }
    let admin = users[ADMIN_EMAIL];
    plan.keyed(
        &format!("settings of {ADMIN_EMAIL}"),
        user_settings::ActiveModel {
            user_id: Set(admin),
            timezone: Set("America/New_York".into()),
            locale: Set("en-US".into()),
            brand_voice: Set(Some(json!({ "brand": "neonhub", "default": true }))),
            ..user_settings::ActiveModel::new()
        },
        Key::Unique(vec![user_settings::Column::UserId]),
    );

    let mut permissions = HashMap::new();
    for (key, description) in PERMISSIONS {
        let id = plan.keyed(
            key,
            organization_permissions::ActiveModel {
                organization_id: Set(organization),
                key: Set(key.into()),
                description: Set(Some(description.into())),
                ..organization_permissions::ActiveModel::new()
            },
            Key::Unique(vec![
                organization_permissions::Column::OrganizationId,
                organization_permissions::Column::Key,
            ]),
        );
        permissions.insert(key, id);
    }
    let mut roles = HashMap::new();
    for (slug, name, description, _) in ROLES {
        let id = plan.keyed(
            slug,
            organization_roles::ActiveModel {
                organization_id: Set(organization),
                slug: Set(slug.into()),
                name: Set(name.into()),
                description: Set(Some(description.into())),
                ..organization_roles::ActiveModel::new()
            },
            Key::Unique(vec![
                organization_roles::Column::OrganizationId,
                organization_roles::Column::Slug,
            ]),
        );
        roles.insert(slug, id);
    }
    for (role, _, _, grants) in ROLES {
        let keys: Vec<&str> = grants.map_or_else(
            || PERMISSIONS.iter().map(|(k, _)| *k).collect(),
            <[&str]>::to_vec,
        );
        for key in keys {
            plan.link(
                &format!("{role} -> {key}"),
                role_permissions::ActiveModel {
                    role_id: Set(roles[role]),
                    permission_id: Set(permissions[key]),
                    organization_id: Set(organization),
                },
            );
        }
    }
    for (email, _, _, role, department) in USERS {
        let user = users[email];
        let invited_by = (user != admin).then_some(admin);
        plan.keyed(
            &format!("{email} in {ORGANIZATION_SLUG}"),
            organization_members::ActiveModel {
                organization_id: Set(organization),
                user_id: Set(user),
                role_id: Set(Some(roles[role])),
                status: Set("active".into()),
                invited_by_id: Set(invited_by),
                joined_at: Set(at(-30, 0)),
                ..organization_members::ActiveModel::new()
            },
            Key::Unique(vec![
                organization_members::Column::OrganizationId,
                organization_members::Column::UserId,
            ]),
        );
        plan.keyed(
            &format!("{email} on the {ORGANIZATION_SLUG} team"),
            team_members::ActiveModel {
                organization_id: Set(Some(organization)),
                user_id: Set(user),
                role: Set(ROLES
                    .iter()
                    .find(|r| r.0 == role)
                    .map_or("Member", |r| r.1)
                    .into()),
                department: Set(Some(department.into())),
                status: Set("active".into()),
                invited_by_id: Set(invited_by),
                invited_at: Set(invited_by.map(|_| at(-31, 0))),
                joined_at: Set(at(-30, 0)),
                metadata: Set(Some(json!({ "fixture": true }))),
                ..team_members::ActiveModel::new()
            },
            Key::Unique(vec![
                team_members::Column::UserId,
                team_members::Column::OrganizationId,
            ]),
        );
    }

    let space = plan.keyed(
        "openai-text-embedding-3-small",
        embedding_spaces::ActiveModel {
            organization_id: Set(organization),
            name: Set("openai-text-embedding-3-small".into()),
            provider: Set("openai".into()),
            model: Set("text-embedding-3-small".into()),
            dimension: Set(EMBEDDING_DIM as i32),
            metadata: Set(Some(json!({
                "distance": "cosine",
                "fixture_vectors": "deterministic word-hash vectors, not model output"
            }))),
            ..embedding_spaces::ActiveModel::new()
        },
        Key::Unique(vec![
            embedding_spaces::Column::OrganizationId,
            embedding_spaces::Column::Name,
        ]),
    );

    Ids {
        organization,
        users,
        space,
        dataset: Uuid::nil(),
        agents: HashMap::new(),
        connectors: HashMap::new(),
        tools: HashMap::new(),
    }
}

fn connectors(plan: &mut Fixtures, ids: &mut Ids) -> Result<(), SeedError> {
    let catalogue = connector_catalogue()
        .map_err(|e| SeedError::InvalidFixtures(format!("connectors.json: {e}")))?;
    for c in catalogue {
        let id = plan.keyed(
            &c.name,
            connectors::ActiveModel {
                name: Set(c.name.clone()),
                display_name: Set(c.display_name),
                description: Set(c.description),
                category: Set(c.category),
                website_url: Set(Some(c.website_url)),
                auth_type: Set(c.auth_type),
                auth_config: Set(c.auth_config),
                triggers: Set(c.triggers),
                actions: Set(c.actions),
                metadata: Set(c.metadata),
                ..connectors::ActiveModel::new()
            },
            Key::Unique(vec![connectors::Column::Name]),
        );
        ids.connectors.insert(c.name, id);
    }
    for (connector, account_id, account_name, scope) in CONNECTOR_AUTHS {
        // Secret columns (access_token, refresh_token, api_key, api_secret) stay NULL.
        plan.keyed(
            &format!("{ADMIN_EMAIL} on {connector}"),
            connector_auths::ActiveModel {
                user_id: Set(ids.admin()),
                connector_id: Set(Ids::lookup(&ids.connectors, "connector", connector)?),
                organization_id: Set(Some(ids.organization)),
                account_id: Set(Some(account_id.into())),
                account_name: Set(Some(account_name.into())),
                scope: Set(scope.map(Into::into)),
                status: Set("demo".into()),
                metadata: Set(Some(json!({
                    "fixture": true,
                    "note": "demo connection installed by the NeonHub seeder; it holds no credentials"
                }))),
                ..connector_auths::ActiveModel::new()
            },
            Key::Unique(vec![
                connector_auths::Column::UserId,
                connector_auths::Column::ConnectorId,
                connector_auths::Column::AccountId,
            ]),
        );
    }
    Ok(())
}

fn brand(plan: &mut Fixtures, ids: &Ids) -> Result<(), SeedError> {
    let brand = plan.keyed(
        "neonhub",
        brands::ActiveModel {
            organization_id: Set(ids.organization),
            name: Set("NeonHub".into()),
            slug: Set("neonhub".into()),
            description: Set(Some(
                "Omni-channel marketing with AI agents that speak in one brand voice.".into(),
            )),
            main_color: Set(Some("#00E5FF".into())),
            slogan: Set(Some("Every channel, one voice.".into())),
            metadata: Set(Some(json!({ "fonts": ["Inter", "JetBrains Mono"] }))),
            ..brands::ActiveModel::new()
        },
        Key::Unique(vec![brands::Column::OrganizationId, brands::Column::Slug]),
    );
    let prompt = "You are the voice of NeonHub. Write about {{topic}} for {{audience}}: confident, \
                  friendly and plain-spoken. Lead with the customer's benefit and keep sentences short.";
    plan.fixed(
        "neonhub",
        brand_voices::ActiveModel {
            brand_id: Set(brand),
            organization_id: Set(ids.organization),
            embedding_space_id: Set(ids.space),
            prompt_template: Set(prompt.into()),
            style_rules: Set(json!({
                "tone": ["confident", "friendly", "plain-spoken"],
                "avoid": ["jargon", "superlatives", "ALL CAPS"],
                "max_sentence_words": 20,
                "emoji": "social and SMS only, at most one"
            })),
            embedding: Set(Some(vector(prompt)?)),
            metrics: Set(Some(json!({ "consistency_score": 0.92, "samples": 40 }))),
            ..brand_voices::ActiveModel::new()
        },
    );
    plan.fixed(
        "neonhub/logo-primary",
        brand_assets::ActiveModel {
            brand_id: Set(brand),
            organization_id: Set(ids.organization),
            kind: Set("logo".into()),
            name: Set("NeonHub logo (primary)".into()),
            url: Set(Some(
                "https://assets.neonhub.ai/brand/logo-primary.svg".into(),
            )),
            metadata: Set(Some(json!({ "format": "svg", "background": "dark" }))),
            ..brand_assets::ActiveModel::new()
        },
    );
    Ok(())
}

fn knowledge(plan: &mut Fixtures, ids: &mut Ids) -> Result<(), SeedError> {
    ids.dataset = plan.keyed(
        "neonhub-playbook",
        datasets::ActiveModel {
            organization_id: Set(ids.organization),
            embedding_space_id: Set(Some(ids.space)),
            name: Set("NeonHub playbook".into()),
            slug: Set("neonhub-playbook".into()),
            kind: Set(DatasetKind::Documents),
            description: Set(Some(
                "Brand and launch guidance the agents retrieve from.".into(),
            )),
            source: Set(Some("seed fixtures".into())),
            metadata: Set(Some(json!({ "fixture": true }))),
            ..datasets::ActiveModel::new()
        },
        Key::Unique(vec![
            datasets::Column::OrganizationId,
            datasets::Column::Slug,
        ]),
    );
    for (title, paragraphs) in DOCUMENTS {
        let document = plan.fixed(
            title,
            documents::ActiveModel {
                dataset_id: Set(Some(ids.dataset)),
                organization_id: Set(ids.organization),
                owner_id: Set(ids.admin()),
                embedding_space_id: Set(Some(ids.space)),
                title: Set(title.into()),
                content: Set(paragraphs.join("\n\n")),
                status: Set("published".into()),
                metadata: Set(Some(json!({ "fixture": true, "chunks": paragraphs.len() }))),
                ..documents::ActiveModel::new()
            },
        );
        for (idx, text) in paragraphs.iter().enumerate() {
            plan.keyed(
                &format!("{title} #{idx}"),
                chunks::ActiveModel {
                    dataset_id: Set(ids.dataset),
                    document_id: Set(document),
                    organization_id: Set(ids.organization),
                    embedding_space_id: Set(ids.space),
                    idx: Set(idx as i32),
                    text: Set((*text).into()),
                    embedding: Set(Some(vector(text)?)),
                    metadata: Set(Some(json!({ "chars": text.chars().count() }))),
                    ..chunks::ActiveModel::new()
                },
                Key::Unique(vec![
                    chunks::Column::OrganizationId,
                    chunks::Column::DocumentId,
                    chunks::Column::Idx,
                ]),
            );
        }
    }
    Ok(())
}

fn agents_and_tools(plan: &mut Fixtures, ids: &mut Ids) -> Result<(), SeedError> {
    let invalid =
        |file: &str, e: serde_json::Error| SeedError::InvalidFixtures(format!("{file}: {e}"));
    for spec in agent_specs().map_err(|e| invalid("agents.json", e))? {
        let agent = plan.keyed(
            &spec.slug,
            agents::ActiveModel {
                organization_id: Set(ids.organization),
                name: Set(spec.name),
                slug: Set(spec.slug.clone()),
                kind: Set(spec.kind),
                status: Set(AgentStatus::Active),
                description: Set(Some(spec.description)),
                version: Set(Some(spec.version)),
                config: Set(Some(spec.config)),
                ..agents::ActiveModel::new()
            },
            Key::Unique(vec![agents::Column::OrganizationId, agents::Column::Slug]),
        );
        for capability in spec.capabilities {
            plan.keyed(
                &format!("{}/{}", spec.slug, capability.name),
                agent_capabilities::ActiveModel {
                    agent_id: Set(agent),
                    organization_id: Set(ids.organization),
                    name: Set(capability.name),
                    config: Set(Some(capability.config)),
                    ..agent_capabilities::ActiveModel::new()
                },
                Key::Unique(vec![
                    agent_capabilities::Column::OrganizationId,
                    agent_capabilities::Column::AgentId,
                    agent_capabilities::Column::Name,
                ]),
            );
        }
        for config in spec.configs {
            plan.keyed(
                &format!("{}/{}", spec.slug, config.key),
                agent_configs::ActiveModel {
                    agent_id: Set(agent),
                    organization_id: Set(ids.organization),
                    key: Set(config.key),
                    value: Set(config.value),
                    ..agent_configs::ActiveModel::new()
                },
                Key::Unique(vec![
                    agent_configs::Column::OrganizationId,
                    agent_configs::Column::AgentId,
                    agent_configs::Column::Key,
                ]),
            );
        }
        ids.agents.insert(spec.slug, agent);
    }
    for spec in tool_specs().map_err(|e| invalid("tools.json", e))? {
        let tool = plan.keyed(
            &spec.slug,
            tools::ActiveModel {
                organization_id: Set(ids.organization),
                agent_id: Set(Some(Ids::lookup(&ids.agents, "agent", &spec.agent)?)),
                connector_id: Set(Some(Ids::lookup(
                    &ids.connectors,
                    "connector",
                    &spec.connector,
                )?)),
                name: Set(spec.name),
                slug: Set(spec.slug.clone()),
                description: Set(Some(spec.description)),
                input_schema: Set(Some(spec.input_schema)),
                output_schema: Set(Some(spec.output_schema)),
                ..tools::ActiveModel::new()
            },
            Key::Unique(vec![tools::Column::OrganizationId, tools::Column::Slug]),
        );
        ids.tools.insert(spec.slug, tool);
    }

    // One completed run of the email agent, with its metrics and the email it sent.
    let run_name = "email-agent/launch-welcome";
    let run = plan.fixed(
        run_name,
        agent_runs::ActiveModel {
            agent_id: Set(Ids::lookup(&ids.agents, "agent", "email-agent")?),
            organization_id: Set(ids.organization),
            dataset_id: Set(Some(ids.dataset)),
            status: Set("completed".into()),
            input: Set(json!({
                "task": "send the launch welcome email",
                "campaign": "Omni-channel launch",
                "audience": "beta waitlist"
            })),
            output: Set(Some(json!({
                "subject": EMAIL_SEQUENCE[0].0,
                "recipients": 1,
                "brand_consistency": 0.94
            }))),
            metrics: Set(Some(
                json!({ "latency_ms": 1840, "tokens_in": 412, "tokens_out": 236 }),
            )),
            started_at: Set(at(0, 10)),
            completed_at: Set(Some(at(0, 10) + Duration::milliseconds(1840))),
            ..agent_runs::ActiveModel::new()
        },
    );
    for (name, value) in [
        ("latency_ms", 1840.0),
        ("tokens_total", 648.0),
        ("brand_consistency", 0.94),
    ] {
        plan.fixed(
            &format!("{run_name}/{name}"),
            agent_run_metrics::ActiveModel {
                agent_run_id: Set(run),
                organization_id: Set(ids.organization),
                name: Set(name.into()),
                value: Set(Some(value)),
                metadata: Set(Some(json!({ "fixture": true }))),
                ..agent_run_metrics::ActiveModel::new()
            },
        );
    }
    plan.fixed(
        &format!("{run_name}/send-email"),
        tool_executions::ActiveModel {
            tool_id: Set(Ids::lookup(&ids.tools, "tool", "send-email")?),
            organization_id: Set(ids.organization),
            agent_run_id: Set(Some(run)),
            status: Set("completed".into()),
            input: Set(Some(json!({
                "to": ["beta-reader@example.com"],
                "subject": EMAIL_SEQUENCE[0].0,
                "html": "<p>NeonHub brings every channel into one voice.</p>"
            }))),
            output: Set(Some(json!({ "message_id": "demo-0001", "accepted": true }))),
            started_at: Set(at(0, 10) + Duration::milliseconds(1200)),
            completed_at: Set(Some(at(0, 10) + Duration::milliseconds(1700))),
            metadata: Set(Some(json!({
                "fixture": true,
                "note": "demo execution: no email was sent"
            }))),
            ..tool_executions::ActiveModel::new()
        },
    );
    Ok(())
}

fn conversation(plan: &mut Fixtures, ids: &Ids) -> Result<(), SeedError> {
    let name = "support/instagram-setup";
    let conversation = plan.fixed(
        name,
        conversations::ActiveModel {
            organization_id: Set(ids.organization),
            kind: Set(ConversationKind::Support),
            status: Set("resolved".into()),
            title: Set(Some("Connecting Instagram for the launch".into())),
            created_by_id: Set(Some(ids.member())),
            metadata: Set(Some(json!({ "channel": "in-app", "fixture": true }))),
            ..conversations::ActiveModel::new()
        },
    );
    for (i, (role, text)) in MESSAGES.into_iter().enumerate() {
        let content = match role {
            MessageRole::Tool => json!({ "tool": "connector-status", "text": text }),
            _ => json!({ "text": text }),
        };
        plan.fixed(
            &format!("{name}#{i}"),
            messages::ActiveModel {
                conversation_id: Set(conversation),
                organization_id: Set(ids.organization),
                author_id: Set((role == MessageRole::User).then(|| ids.member())),
                role: Set(role),
                content: Set(content),
                embedding: Set(Some(vector(text)?)),
                metadata: Set(Some(json!({ "fixture": true }))),
                created_at: Set(at(1, i as i64)),
                ..messages::ActiveModel::new()
            },
        );
    }
    Ok(())
}

fn campaign(plan: &mut Fixtures, ids: &Ids) {
    let name = "omni-channel-launch";
    let campaign = plan.fixed(
        name,
        campaigns::ActiveModel {
            organization_id: Set(ids.organization),
            owner_id: Set(ids.admin()),
            name: Set("Omni-channel launch".into()),
            status: Set(CampaignStatus::Active),
            r#type: Set("product_launch".into()),
            config: Set(Some(json!({
                "channels": ["email", "instagram", "x", "sms"],
                "brand": "neonhub",
                "agents": ["email-agent", "social-agent"]
            }))),
            schedule: Set(Some(json!({
                "starts_at": at(0, 0).to_rfc3339(),
                "ends_at": at(14, 0).to_rfc3339(),
                "timezone": "America/New_York"
            }))),
            budget: Set(Some(json!({ "currency": "usd", "amount_cents": 500_000 }))),
            ..campaigns::ActiveModel::new()
        },
    );
    for day in 0..METRIC_DAYS {
        for (kind, start, growth) in METRICS {
            plan.fixed(
                &format!("{name}/{kind}/day-{day}"),
                campaign_metrics::ActiveModel {
                    campaign_id: Set(campaign),
                    organization_id: Set(ids.organization),
                    kind: Set(kind.into()),
                    value: Set(Some(start + growth * day as f64)),
                    payload: Set(Some(json!({ "channel": "all", "day": day }))),
                    timestamp: Set(at(day, 0)),
                    ..campaign_metrics::ActiveModel::new()
                },
            );
        }
    }
    for (step, (subject, body, day, sent)) in EMAIL_SEQUENCE.into_iter().enumerate() {
        plan.fixed(
            &format!("{name}/email-{step}"),
            email_sequences::ActiveModel {
                campaign_id: Set(campaign),
                organization_id: Set(ids.organization),
                subject: Set(subject.into()),
                body: Set(body.into()),
                variant: Set(Some("A".into())),
                scheduled_for: Set(Some(at(day, 0))),
                sent_at: Set(sent.then(|| at(day, 1))),
                metrics: Set(sent.then(|| json!({ "sent": 1200, "opened": 564, "clicked": 131 }))),
                ..email_sequences::ActiveModel::new()
            },
        );
    }
    plan.fixed(
        &format!("{name}/instagram-launch-post"),
        social_posts::ActiveModel {
            campaign_id: Set(campaign),
            organization_id: Set(ids.organization),
            platform: Set("instagram".into()),
            content: Set(
                "Every channel, one voice. NeonHub is live: email, social and SMS agents in one workspace."
                    .into(),
            ),
            media_urls: Set(Some(json!(["https://assets.neonhub.ai/demo/launch-hero.png"]))),
            variant: Set(Some("A".into())),
            scheduled_for: Set(Some(at(0, 60))),
            published_at: Set(Some(at(0, 60))),
            external_id: Set(Some("demo-ig-0001".into())),
            metrics: Set(Some(json!({ "likes": 842, "comments": 57, "shares": 23 }))),
            ..social_posts::ActiveModel::new()
        },
    );
    plan.fixed(
        &format!("{name}/subject-line-test"),
        ab_tests::ActiveModel {
            campaign_id: Set(campaign),
            organization_id: Set(ids.organization),
            name: Set("Launch email subject line".into()),
            variants: Set(json!([
                { "name": "A", "subject": EMAIL_SEQUENCE[0].0 },
                { "name": "B", "subject": "One voice for every channel: NeonHub is live" }
            ])),
            winner: Set(Some("B".into())),
            metrics: Set(json!({
                "A": { "sent": 600, "opened": 252 },
                "B": { "sent": 600, "opened": 312 },
                "confidence": 0.97
            })),
            started_at: Set(at(0, 0)),
            completed_at: Set(Some(at(2, 0))),
            ..ab_tests::ActiveModel::new()
        },
    );
    for (slug, kind, title, body) in [
        (
            "introducing-neonhub",
            ContentKind::Article,
            "Introducing NeonHub: every channel, one voice",
            "NeonHub brings email, social, SMS and ads into one workspace. Agents draft, schedule \
             and answer in your brand voice, and every result lands in one dashboard.",
        ),
        (
            "launch-announcement-email",
            ContentKind::Email,
            "NeonHub is live",
            "Hi {{first_name}}, NeonHub is live. Connect your channels and let the agents do the busywork.",
        ),
    ] {
        plan.fixed(
            slug,
            content::ActiveModel {
                organization_id: Set(ids.organization),
                author_id: Set(Some(ids.admin())),
                kind: Set(kind),
                status: Set("published".into()),
                title: Set(Some(title.into())),
                body: Set(Some(body.into())),
                metadata: Set(Some(json!({ "campaign": name, "fixture": true }))),
                published_at: Set(Some(at(0, 0))),
                ..content::ActiveModel::new()
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::ColumnType;
    use std::collections::HashSet;

    #[test]
    fn fixture_ids_are_deterministic_v7_and_distinct() {
        let a = fixture_id("messages", "support#0");
        assert_eq!(a, fixture_id("messages", "support#0"));
        assert_eq!(a.get_version_num(), 7);
        assert_ne!(a, fixture_id("messages", "support#1"));
        assert_ne!(a, fixture_id("chunks", "support#0"));
        let plan = fixtures().unwrap();
        let ids: Vec<Uuid> = plan
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Row(r) => r.id(),
                Step::Audit { .. } => None,
            })
            .collect();
        let distinct: HashSet<_> = ids.iter().collect();
        assert_eq!(
            distinct.len(),
            ids.len(),
            "every fixture row has its own id"
        );
    }

    #[test]
    fn no_fixture_sets_a_secret_column() {
        for step in fixtures().unwrap().steps {
            if let Step::Row(row) = step {
                for (column, ty) in row.set_columns() {
                    assert!(
                        !matches!(
                            ty,
                            ColumnType::Binary(_) | ColumnType::VarBinary(_) | ColumnType::Blob
                        ),
                        "{} sets secret column {column}",
                        row.identity()
                    );
                }
            }
        }
    }

    #[test]
    fn plan_has_every_fixture_of_the_issue() {
        let plan = fixtures().unwrap();
        let counts: HashMap<_, _> = plan.counts().into_iter().collect();
        for (table, at_least) in [
            ("organizations", 1),
            ("users", 2),
            ("organization_roles", 4),
            ("organization_permissions", 4),
            ("role_permissions", 9),
            ("organization_members", 2),
            ("embedding_spaces", 1),
            ("brands", 1),
            ("brand_voices", 1),
            ("brand_assets", 1),
            ("agents", 3),
            ("agent_runs", 1),
            ("agent_run_metrics", 1),
            ("tool_executions", 1),
            ("conversations", 1),
            ("messages", 4),
            ("datasets", 1),
            ("documents", 2),
            ("chunks", 6),
            ("campaigns", 1),
            ("campaign_metrics", 3),
            ("email_sequences", 1),
            ("social_posts", 1),
            ("ab_tests", 1),
            ("content", 2),
            ("connectors", 15),
            ("connector_auths", 2),
            ("tools", 3),
            ("audit_logs", 1),
        ] {
            let n = counts.get(table).copied().unwrap_or(0);
            assert!(n >= at_least, "{table}: {n} < {at_least}");
        }
        assert_eq!(counts["audit_logs"], 1);
        assert_eq!(
            plan.tables().last(),
            Some(&"audit_logs"),
            "audit comes last"
        );
    }
}
