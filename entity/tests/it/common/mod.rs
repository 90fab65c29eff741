//! Generated once from the schema and kept by hand: one row of every table, linked by real
//! foreign keys, inserted through the entities and read back.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use entity::enums::*;
use entity::prelude::*;
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

#[allow(dead_code)]
pub mod rls;

/// A fixed timestamp with microsecond precision (what Postgres stores).
pub fn ts() -> DateTime<FixedOffset> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
        .unwrap()
        .fixed_offset()
}

/// A deterministic unit vector of the embedding dimension, distinct for each `seed`.
pub fn unit_vector(seed: usize) -> pgvector::Vector {
    let mut v = vec![0.0f32; EMBEDDING_DIM];
    v[seed % EMBEDDING_DIM] = 1.0;
    embedding(v).expect("right dimension")
}

/// Ids of the rows made by [`one_of_each`], by table (composite keys are left out).
pub type Ids = BTreeMap<&'static str, Uuid>;

/// Insert one row into every table (all columns set, nullable ones too) under `tag`, check each
/// reads back equal, and return the ids.
pub async fn one_of_each(db: &DatabaseConnection, tag: &str) -> Ids {
    let mut ids = Ids::new();
    let users = users::ActiveModel {
        email: Set(format!("users.email-{tag}")),
        name: Set(Some(format!("users.name-{tag}"))),
        image: Set(Some(format!("users.image-{tag}"))),
        email_verified_at: Set(Some(ts())),
        stripe_customer_id: Set(Some(format!("users.stripe_customer_id-{tag}"))),
        is_beta_user: Set(true),
        ..users::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert users");
    let back = users::Entity::find_by_id(users.id).one(db).await.unwrap();
    assert_eq!(back.as_ref(), Some(&users), "users reads back");
    ids.insert("users", users.id);
    let accounts = accounts::ActiveModel {
        user_id: Set(users.id),
        r#type: Set(format!("accounts.type-{tag}")),
        provider: Set(format!("accounts.provider-{tag}")),
        provider_account_id: Set(format!("accounts.provider_account_id-{tag}")),
        refresh_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        access_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        expires_at: Set(Some(1_999)),
        token_type: Set(Some(format!("accounts.token_type-{tag}"))),
        scope: Set(Some(format!("accounts.scope-{tag}"))),
        id_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        session_state: Set(Some(format!("accounts.session_state-{tag}"))),
        ..accounts::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert accounts");
    let back = accounts::Entity::find_by_id(accounts.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&accounts), "accounts reads back");
    ids.insert("accounts", accounts.id);
    let sessions = sessions::ActiveModel {
        user_id: Set(users.id),
        token_hash: Set(format!("sessions.token_hash-{tag}")),
        expires_at: Set(ts()),
        ..sessions::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert sessions");
    let back = sessions::Entity::find_by_id(sessions.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&sessions), "sessions reads back");
    ids.insert("sessions", sessions.id);
    let verification_tokens = verification_tokens::ActiveModel {
        identifier: Set(format!("verification_tokens.identifier-{tag}")),
        token_hash: Set(format!("verification_tokens.token_hash-{tag}")),
        expires_at: Set(ts()),
    }
    .insert(db)
    .await
    .expect("insert verification_tokens");
    let back = verification_tokens::Entity::find_by_id((
        verification_tokens.identifier.clone(),
        verification_tokens.token_hash.clone(),
    ))
    .one(db)
    .await
    .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&verification_tokens),
        "verification_tokens reads back"
    );
    let user_settings = user_settings::ActiveModel {
        user_id: Set(users.id),
        brand_voice: Set(Some(
            json!({"table": "user_settings", "column": "brand_voice"}),
        )),
        email_notifications: Set(true),
        push_notifications: Set(true),
        notification_frequency: Set(format!("user_settings.notification_frequency-{tag}")),
        timezone: Set(format!("user_settings.timezone-{tag}")),
        locale: Set(format!("user_settings.locale-{tag}")),
        date_format: Set(format!("user_settings.date_format-{tag}")),
        data_retention_days: Set(3),
        allow_analytics: Set(true),
        allow_personalization: Set(true),
        api_rate_limit: Set(3),
        webhook_url: Set(Some(format!("user_settings.webhook_url-{tag}"))),
        webhook_secret: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        ..user_settings::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert user_settings");
    let back = user_settings::Entity::find_by_id(user_settings.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&user_settings),
        "user_settings reads back"
    );
    ids.insert("user_settings", user_settings.id);
    let organizations = organizations::ActiveModel {
        slug: Set(format!("organizations.slug-{tag}")),
        name: Set(format!("organizations.name-{tag}")),
        plan: Set(format!("organizations.plan-{tag}")),
        settings: Set(Some(
            json!({"table": "organizations", "column": "settings"}),
        )),
        ..organizations::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert organizations");
    let back = organizations::Entity::find_by_id(organizations.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&organizations),
        "organizations reads back"
    );
    ids.insert("organizations", organizations.id);
    let organization_roles = organization_roles::ActiveModel {
        organization_id: Set(organizations.id),
        name: Set(format!("organization_roles.name-{tag}")),
        slug: Set(format!("organization_roles.slug-{tag}")),
        description: Set(Some(format!("organization_roles.description-{tag}"))),
        ..organization_roles::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert organization_roles");
    let back = organization_roles::Entity::find_by_id(organization_roles.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&organization_roles),
        "organization_roles reads back"
    );
    ids.insert("organization_roles", organization_roles.id);
    let organization_permissions = organization_permissions::ActiveModel {
        organization_id: Set(organizations.id),
        key: Set(format!("organization_permissions.key-{tag}")),
        description: Set(Some(format!("organization_permissions.description-{tag}"))),
        ..organization_permissions::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert organization_permissions");
    let back = organization_permissions::Entity::find_by_id(organization_permissions.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&organization_permissions),
        "organization_permissions reads back"
    );
    ids.insert("organization_permissions", organization_permissions.id);
    let role_permissions = role_permissions::ActiveModel {
        role_id: Set(organization_roles.id),
        permission_id: Set(organization_permissions.id),
        organization_id: Set(organizations.id),
    }
    .insert(db)
    .await
    .expect("insert role_permissions");
    let back = role_permissions::Entity::find_by_id((
        role_permissions.role_id,
        role_permissions.permission_id,
    ))
    .one(db)
    .await
    .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&role_permissions),
        "role_permissions reads back"
    );
    let organization_members = organization_members::ActiveModel {
        organization_id: Set(organizations.id),
        user_id: Set(users.id),
        role_id: Set(Some(organization_roles.id)),
        status: Set(format!("organization_members.status-{tag}")),
        invited_by_id: Set(Some(users.id)),
        joined_at: Set(ts()),
        ..organization_members::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert organization_members");
    let back = organization_members::Entity::find_by_id(organization_members.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&organization_members),
        "organization_members reads back"
    );
    ids.insert("organization_members", organization_members.id);
    let api_keys = api_keys::ActiveModel {
        organization_id: Set(organizations.id),
        created_by_id: Set(users.id),
        name: Set(format!("api_keys.name-{tag}")),
        key_prefix: Set(format!("api_keys.key_prefix-{tag}")),
        token_hash: Set(format!("api_keys.token_hash-{tag}")),
        scopes: Set(vec!["alpha".to_owned(), "beta".to_owned()]),
        last_used_at: Set(Some(ts())),
        expires_at: Set(Some(ts())),
        revoked_at: Set(Some(ts())),
        ..api_keys::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert api_keys");
    let back = api_keys::Entity::find_by_id(api_keys.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&api_keys), "api_keys reads back");
    ids.insert("api_keys", api_keys.id);
    let team_members = team_members::ActiveModel {
        organization_id: Set(Some(organizations.id)),
        user_id: Set(users.id),
        role: Set(format!("team_members.role-{tag}")),
        department: Set(Some(format!("team_members.department-{tag}"))),
        status: Set(format!("team_members.status-{tag}")),
        invited_by_id: Set(Some(users.id)),
        invited_at: Set(Some(ts())),
        joined_at: Set(ts()),
        metadata: Set(Some(json!({"table": "team_members", "column": "metadata"}))),
        ..team_members::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert team_members");
    let back = team_members::Entity::find_by_id(team_members.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&team_members),
        "team_members reads back"
    );
    ids.insert("team_members", team_members.id);
    let embedding_spaces = embedding_spaces::ActiveModel {
        organization_id: Set(organizations.id),
        name: Set(format!("embedding_spaces.name-{tag}")),
        provider: Set(format!("embedding_spaces.provider-{tag}")),
        model: Set(format!("embedding_spaces.model-{tag}")),
        dimension: Set(1536),
        metadata: Set(Some(
            json!({"table": "embedding_spaces", "column": "metadata"}),
        )),
        ..embedding_spaces::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert embedding_spaces");
    let back = embedding_spaces::Entity::find_by_id(embedding_spaces.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&embedding_spaces),
        "embedding_spaces reads back"
    );
    ids.insert("embedding_spaces", embedding_spaces.id);
    let brands = brands::ActiveModel {
        organization_id: Set(organizations.id),
        name: Set(format!("brands.name-{tag}")),
        slug: Set(format!("brands.slug-{tag}")),
        description: Set(Some(format!("brands.description-{tag}"))),
        main_color: Set(Some(format!("brands.main_color-{tag}"))),
        slogan: Set(Some(format!("brands.slogan-{tag}"))),
        metadata: Set(Some(json!({"table": "brands", "column": "metadata"}))),
        ..brands::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert brands");
    let back = brands::Entity::find_by_id(brands.id).one(db).await.unwrap();
    assert_eq!(back.as_ref(), Some(&brands), "brands reads back");
    ids.insert("brands", brands.id);
    let brand_voices = brand_voices::ActiveModel {
        brand_id: Set(brands.id),
        embedding_space_id: Set(embedding_spaces.id),
        prompt_template: Set(format!("brand_voices.prompt_template-{tag}")),
        style_rules: Set(json!({"table": "brand_voices", "column": "style_rules"})),
        embedding: Set(Some(unit_vector(1))),
        metrics: Set(Some(json!({"table": "brand_voices", "column": "metrics"}))),
        ..brand_voices::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert brand_voices");
    let back = brand_voices::Entity::find_by_id(brand_voices.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&brand_voices),
        "brand_voices reads back"
    );
    ids.insert("brand_voices", brand_voices.id);
    let brand_assets = brand_assets::ActiveModel {
        brand_id: Set(brands.id),
        kind: Set(format!("brand_assets.kind-{tag}")),
        name: Set(format!("brand_assets.name-{tag}")),
        url: Set(Some(format!("brand_assets.url-{tag}"))),
        metadata: Set(Some(json!({"table": "brand_assets", "column": "metadata"}))),
        ..brand_assets::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert brand_assets");
    let back = brand_assets::Entity::find_by_id(brand_assets.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&brand_assets),
        "brand_assets reads back"
    );
    ids.insert("brand_assets", brand_assets.id);
    let datasets = datasets::ActiveModel {
        organization_id: Set(organizations.id),
        embedding_space_id: Set(Some(embedding_spaces.id)),
        name: Set(format!("datasets.name-{tag}")),
        slug: Set(format!("datasets.slug-{tag}")),
        kind: Set(DatasetKind::Documents),
        description: Set(Some(format!("datasets.description-{tag}"))),
        source: Set(Some(format!("datasets.source-{tag}"))),
        metadata: Set(Some(json!({"table": "datasets", "column": "metadata"}))),
        ..datasets::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert datasets");
    let back = datasets::Entity::find_by_id(datasets.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&datasets), "datasets reads back");
    ids.insert("datasets", datasets.id);
    let documents = documents::ActiveModel {
        dataset_id: Set(Some(datasets.id)),
        organization_id: Set(organizations.id),
        owner_id: Set(users.id),
        embedding_space_id: Set(Some(embedding_spaces.id)),
        title: Set(format!("documents.title-{tag}")),
        content: Set(format!("documents.content-{tag}")),
        status: Set(format!("documents.status-{tag}")),
        metadata: Set(Some(json!({"table": "documents", "column": "metadata"}))),
        ..documents::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert documents");
    let back = documents::Entity::find_by_id(documents.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&documents), "documents reads back");
    ids.insert("documents", documents.id);
    let chunks = chunks::ActiveModel {
        dataset_id: Set(datasets.id),
        document_id: Set(documents.id),
        organization_id: Set(organizations.id),
        embedding_space_id: Set(embedding_spaces.id),
        idx: Set(3),
        text: Set(format!("chunks.text-{tag}")),
        embedding: Set(Some(unit_vector(1))),
        metadata: Set(Some(json!({"table": "chunks", "column": "metadata"}))),
        ..chunks::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert chunks");
    let back = chunks::Entity::find_by_id(chunks.id).one(db).await.unwrap();
    assert_eq!(back.as_ref(), Some(&chunks), "chunks reads back");
    ids.insert("chunks", chunks.id);
    let connectors = connectors::ActiveModel {
        name: Set(format!("connectors.name-{tag}")),
        display_name: Set(format!("connectors.display_name-{tag}")),
        description: Set(format!("connectors.description-{tag}")),
        category: Set(ConnectorKind::Email),
        icon_url: Set(Some(format!("connectors.icon_url-{tag}"))),
        website_url: Set(Some(format!("connectors.website_url-{tag}"))),
        auth_type: Set(format!("connectors.auth_type-{tag}")),
        auth_config: Set(json!({"table": "connectors", "column": "auth_config"})),
        is_enabled: Set(true),
        is_verified: Set(true),
        triggers: Set(json!({"table": "connectors", "column": "triggers"})),
        actions: Set(json!({"table": "connectors", "column": "actions"})),
        metadata: Set(Some(json!({"table": "connectors", "column": "metadata"}))),
        ..connectors::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert connectors");
    let back = connectors::Entity::find_by_id(connectors.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&connectors), "connectors reads back");
    ids.insert("connectors", connectors.id);
    let connector_auths = connector_auths::ActiveModel {
        user_id: Set(users.id),
        connector_id: Set(connectors.id),
        organization_id: Set(Some(organizations.id)),
        account_id: Set(Some(format!("connector_auths.account_id-{tag}"))),
        account_name: Set(Some(format!("connector_auths.account_name-{tag}"))),
        access_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        refresh_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        api_key: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        api_secret: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        scope: Set(Some(format!("connector_auths.scope-{tag}"))),
        token_type: Set(Some(format!("connector_auths.token_type-{tag}"))),
        expires_at: Set(Some(ts())),
        status: Set(format!("connector_auths.status-{tag}")),
        last_used_at: Set(Some(ts())),
        last_error: Set(Some(format!("connector_auths.last_error-{tag}"))),
        metadata: Set(Some(
            json!({"table": "connector_auths", "column": "metadata"}),
        )),
        ..connector_auths::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert connector_auths");
    let back = connector_auths::Entity::find_by_id(connector_auths.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&connector_auths),
        "connector_auths reads back"
    );
    ids.insert("connector_auths", connector_auths.id);
    let trigger_configs = trigger_configs::ActiveModel {
        connector_auth_id: Set(connector_auths.id),
        name: Set(format!("trigger_configs.name-{tag}")),
        trigger_type: Set(format!("trigger_configs.trigger_type-{tag}")),
        config: Set(json!({"table": "trigger_configs", "column": "config"})),
        is_active: Set(true),
        last_triggered_at: Set(Some(ts())),
        trigger_count: Set(3),
        metadata: Set(Some(
            json!({"table": "trigger_configs", "column": "metadata"}),
        )),
        ..trigger_configs::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert trigger_configs");
    let back = trigger_configs::Entity::find_by_id(trigger_configs.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&trigger_configs),
        "trigger_configs reads back"
    );
    ids.insert("trigger_configs", trigger_configs.id);
    let action_configs = action_configs::ActiveModel {
        connector_auth_id: Set(connector_auths.id),
        name: Set(format!("action_configs.name-{tag}")),
        action_type: Set(format!("action_configs.action_type-{tag}")),
        config: Set(json!({"table": "action_configs", "column": "config"})),
        is_active: Set(true),
        last_executed_at: Set(Some(ts())),
        execution_count: Set(3),
        metadata: Set(Some(
            json!({"table": "action_configs", "column": "metadata"}),
        )),
        ..action_configs::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert action_configs");
    let back = action_configs::Entity::find_by_id(action_configs.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&action_configs),
        "action_configs reads back"
    );
    ids.insert("action_configs", action_configs.id);
    let credentials = credentials::ActiveModel {
        user_id: Set(users.id),
        provider: Set(format!("credentials.provider-{tag}")),
        account_id: Set(Some(format!("credentials.account_id-{tag}"))),
        access_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        refresh_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        access_secret: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
        scope: Set(Some(format!("credentials.scope-{tag}"))),
        token_type: Set(Some(format!("credentials.token_type-{tag}"))),
        expires_at: Set(Some(ts())),
        status: Set(format!("credentials.status-{tag}")),
        last_used_at: Set(Some(ts())),
        ..credentials::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert credentials");
    let back = credentials::Entity::find_by_id(credentials.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&credentials), "credentials reads back");
    ids.insert("credentials", credentials.id);
    let agents = agents::ActiveModel {
        organization_id: Set(organizations.id),
        name: Set(format!("agents.name-{tag}")),
        slug: Set(format!("agents.slug-{tag}")),
        kind: Set(AgentKind::Copilot),
        status: Set(AgentStatus::Draft),
        description: Set(Some(format!("agents.description-{tag}"))),
        version: Set(Some(format!("agents.version-{tag}"))),
        config: Set(Some(json!({"table": "agents", "column": "config"}))),
        ..agents::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert agents");
    let back = agents::Entity::find_by_id(agents.id).one(db).await.unwrap();
    assert_eq!(back.as_ref(), Some(&agents), "agents reads back");
    ids.insert("agents", agents.id);
    let agent_capabilities = agent_capabilities::ActiveModel {
        agent_id: Set(agents.id),
        name: Set(format!("agent_capabilities.name-{tag}")),
        config: Set(Some(
            json!({"table": "agent_capabilities", "column": "config"}),
        )),
        ..agent_capabilities::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert agent_capabilities");
    let back = agent_capabilities::Entity::find_by_id(agent_capabilities.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&agent_capabilities),
        "agent_capabilities reads back"
    );
    ids.insert("agent_capabilities", agent_capabilities.id);
    let agent_configs = agent_configs::ActiveModel {
        agent_id: Set(agents.id),
        key: Set(format!("agent_configs.key-{tag}")),
        value: Set(json!({"table": "agent_configs", "column": "value"})),
        ..agent_configs::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert agent_configs");
    let back = agent_configs::Entity::find_by_id(agent_configs.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&agent_configs),
        "agent_configs reads back"
    );
    ids.insert("agent_configs", agent_configs.id);
    let agent_runs = agent_runs::ActiveModel {
        agent_id: Set(agents.id),
        organization_id: Set(organizations.id),
        dataset_id: Set(Some(datasets.id)),
        status: Set(format!("agent_runs.status-{tag}")),
        input: Set(json!({"table": "agent_runs", "column": "input"})),
        output: Set(Some(json!({"table": "agent_runs", "column": "output"}))),
        metrics: Set(Some(json!({"table": "agent_runs", "column": "metrics"}))),
        started_at: Set(ts()),
        completed_at: Set(Some(ts())),
        ..agent_runs::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert agent_runs");
    let back = agent_runs::Entity::find_by_id(agent_runs.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&agent_runs), "agent_runs reads back");
    ids.insert("agent_runs", agent_runs.id);
    let agent_run_metrics = agent_run_metrics::ActiveModel {
        agent_run_id: Set(agent_runs.id),
        name: Set(format!("agent_run_metrics.name-{tag}")),
        value: Set(Some(0.25)),
        metadata: Set(Some(
            json!({"table": "agent_run_metrics", "column": "metadata"}),
        )),
        ..agent_run_metrics::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert agent_run_metrics");
    let back = agent_run_metrics::Entity::find_by_id(agent_run_metrics.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&agent_run_metrics),
        "agent_run_metrics reads back"
    );
    ids.insert("agent_run_metrics", agent_run_metrics.id);
    let tools = tools::ActiveModel {
        organization_id: Set(organizations.id),
        agent_id: Set(Some(agents.id)),
        connector_id: Set(Some(connectors.id)),
        name: Set(format!("tools.name-{tag}")),
        slug: Set(format!("tools.slug-{tag}")),
        description: Set(Some(format!("tools.description-{tag}"))),
        input_schema: Set(Some(json!({"table": "tools", "column": "input_schema"}))),
        output_schema: Set(Some(json!({"table": "tools", "column": "output_schema"}))),
        ..tools::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert tools");
    let back = tools::Entity::find_by_id(tools.id).one(db).await.unwrap();
    assert_eq!(back.as_ref(), Some(&tools), "tools reads back");
    ids.insert("tools", tools.id);
    let tool_executions = tool_executions::ActiveModel {
        tool_id: Set(tools.id),
        agent_run_id: Set(Some(agent_runs.id)),
        status: Set(format!("tool_executions.status-{tag}")),
        input: Set(Some(json!({"table": "tool_executions", "column": "input"}))),
        output: Set(Some(
            json!({"table": "tool_executions", "column": "output"}),
        )),
        started_at: Set(ts()),
        completed_at: Set(Some(ts())),
        metadata: Set(Some(
            json!({"table": "tool_executions", "column": "metadata"}),
        )),
        ..tool_executions::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert tool_executions");
    let back = tool_executions::Entity::find_by_id(tool_executions.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&tool_executions),
        "tool_executions reads back"
    );
    ids.insert("tool_executions", tool_executions.id);
    let agent_jobs = agent_jobs::ActiveModel {
        organization_id: Set(Some(organizations.id)),
        agent: Set(format!("agent_jobs.agent-{tag}")),
        input: Set(json!({"table": "agent_jobs", "column": "input"})),
        output: Set(Some(json!({"table": "agent_jobs", "column": "output"}))),
        status: Set(format!("agent_jobs.status-{tag}")),
        error: Set(Some(format!("agent_jobs.error-{tag}"))),
        metrics: Set(Some(json!({"table": "agent_jobs", "column": "metrics"}))),
        created_by_id: Set(Some(users.id)),
        ..agent_jobs::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert agent_jobs");
    let back = agent_jobs::Entity::find_by_id(agent_jobs.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&agent_jobs), "agent_jobs reads back");
    ids.insert("agent_jobs", agent_jobs.id);
    let conversations = conversations::ActiveModel {
        organization_id: Set(organizations.id),
        kind: Set(ConversationKind::Support),
        status: Set(format!("conversations.status-{tag}")),
        title: Set(Some(format!("conversations.title-{tag}"))),
        created_by_id: Set(Some(users.id)),
        metadata: Set(Some(
            json!({"table": "conversations", "column": "metadata"}),
        )),
        ..conversations::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert conversations");
    let back = conversations::Entity::find_by_id(conversations.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&conversations),
        "conversations reads back"
    );
    ids.insert("conversations", conversations.id);
    let messages = messages::ActiveModel {
        conversation_id: Set(conversations.id),
        organization_id: Set(organizations.id),
        author_id: Set(Some(users.id)),
        role: Set(MessageRole::System),
        content: Set(json!({"table": "messages", "column": "content"})),
        embedding: Set(Some(unit_vector(1))),
        metadata: Set(Some(json!({"table": "messages", "column": "metadata"}))),
        ..messages::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert messages");
    let back = messages::Entity::find_by_id(messages.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&messages), "messages reads back");
    ids.insert("messages", messages.id);
    let model_versions = model_versions::ActiveModel {
        organization_id: Set(organizations.id),
        name: Set(format!("model_versions.name-{tag}")),
        provider: Set(format!("model_versions.provider-{tag}")),
        version: Set(format!("model_versions.version-{tag}")),
        metadata: Set(Some(
            json!({"table": "model_versions", "column": "metadata"}),
        )),
        ..model_versions::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert model_versions");
    let back = model_versions::Entity::find_by_id(model_versions.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&model_versions),
        "model_versions reads back"
    );
    ids.insert("model_versions", model_versions.id);
    let training_jobs = training_jobs::ActiveModel {
        model_version_id: Set(model_versions.id),
        status: Set(TrainStatus::Queued),
        config: Set(json!({"table": "training_jobs", "column": "config"})),
        metrics: Set(Some(json!({"table": "training_jobs", "column": "metrics"}))),
        started_at: Set(ts()),
        completed_at: Set(Some(ts())),
        ..training_jobs::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert training_jobs");
    let back = training_jobs::Entity::find_by_id(training_jobs.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&training_jobs),
        "training_jobs reads back"
    );
    ids.insert("training_jobs", training_jobs.id);
    let inference_endpoints = inference_endpoints::ActiveModel {
        organization_id: Set(organizations.id),
        model_version_id: Set(Some(model_versions.id)),
        name: Set(format!("inference_endpoints.name-{tag}")),
        slug: Set(format!("inference_endpoints.slug-{tag}")),
        status: Set(format!("inference_endpoints.status-{tag}")),
        config: Set(Some(
            json!({"table": "inference_endpoints", "column": "config"}),
        )),
        ..inference_endpoints::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert inference_endpoints");
    let back = inference_endpoints::Entity::find_by_id(inference_endpoints.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&inference_endpoints),
        "inference_endpoints reads back"
    );
    ids.insert("inference_endpoints", inference_endpoints.id);
    let content = content::ActiveModel {
        organization_id: Set(organizations.id),
        author_id: Set(Some(users.id)),
        kind: Set(ContentKind::Article),
        status: Set(format!("content.status-{tag}")),
        title: Set(Some(format!("content.title-{tag}"))),
        body: Set(Some(format!("content.body-{tag}"))),
        metadata: Set(Some(json!({"table": "content", "column": "metadata"}))),
        published_at: Set(Some(ts())),
        ..content::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert content");
    let back = content::Entity::find_by_id(content.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&content), "content reads back");
    ids.insert("content", content.id);
    let content_drafts = content_drafts::ActiveModel {
        organization_id: Set(Some(organizations.id)),
        title: Set(format!("content_drafts.title-{tag}")),
        topic: Set(format!("content_drafts.topic-{tag}")),
        body: Set(format!("content_drafts.body-{tag}")),
        tone: Set(format!("content_drafts.tone-{tag}")),
        audience: Set(Some(format!("content_drafts.audience-{tag}"))),
        status: Set(format!("content_drafts.status-{tag}")),
        created_by_id: Set(users.id),
        ..content_drafts::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert content_drafts");
    let back = content_drafts::Entity::find_by_id(content_drafts.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&content_drafts),
        "content_drafts reads back"
    );
    ids.insert("content_drafts", content_drafts.id);
    let campaigns = campaigns::ActiveModel {
        organization_id: Set(organizations.id),
        owner_id: Set(users.id),
        name: Set(format!("campaigns.name-{tag}")),
        status: Set(CampaignStatus::Draft),
        r#type: Set(format!("campaigns.type-{tag}")),
        config: Set(Some(json!({"table": "campaigns", "column": "config"}))),
        schedule: Set(Some(json!({"table": "campaigns", "column": "schedule"}))),
        budget: Set(Some(json!({"table": "campaigns", "column": "budget"}))),
        ..campaigns::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert campaigns");
    let back = campaigns::Entity::find_by_id(campaigns.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&campaigns), "campaigns reads back");
    ids.insert("campaigns", campaigns.id);
    let campaign_metrics = campaign_metrics::ActiveModel {
        campaign_id: Set(campaigns.id),
        kind: Set(format!("campaign_metrics.kind-{tag}")),
        value: Set(Some(0.25)),
        payload: Set(Some(
            json!({"table": "campaign_metrics", "column": "payload"}),
        )),
        timestamp: Set(ts()),
        ..campaign_metrics::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert campaign_metrics");
    let back = campaign_metrics::Entity::find_by_id(campaign_metrics.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&campaign_metrics),
        "campaign_metrics reads back"
    );
    ids.insert("campaign_metrics", campaign_metrics.id);
    let email_sequences = email_sequences::ActiveModel {
        campaign_id: Set(campaigns.id),
        subject: Set(format!("email_sequences.subject-{tag}")),
        body: Set(format!("email_sequences.body-{tag}")),
        variant: Set(Some(format!("email_sequences.variant-{tag}"))),
        scheduled_for: Set(Some(ts())),
        sent_at: Set(Some(ts())),
        metrics: Set(Some(
            json!({"table": "email_sequences", "column": "metrics"}),
        )),
        ..email_sequences::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert email_sequences");
    let back = email_sequences::Entity::find_by_id(email_sequences.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&email_sequences),
        "email_sequences reads back"
    );
    ids.insert("email_sequences", email_sequences.id);
    let social_posts = social_posts::ActiveModel {
        campaign_id: Set(campaigns.id),
        platform: Set(format!("social_posts.platform-{tag}")),
        content: Set(format!("social_posts.content-{tag}")),
        media_urls: Set(Some(
            json!({"table": "social_posts", "column": "media_urls"}),
        )),
        variant: Set(Some(format!("social_posts.variant-{tag}"))),
        scheduled_for: Set(Some(ts())),
        published_at: Set(Some(ts())),
        external_id: Set(Some(format!("social_posts.external_id-{tag}"))),
        metrics: Set(Some(json!({"table": "social_posts", "column": "metrics"}))),
        ..social_posts::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert social_posts");
    let back = social_posts::Entity::find_by_id(social_posts.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&social_posts),
        "social_posts reads back"
    );
    ids.insert("social_posts", social_posts.id);
    let ab_tests = ab_tests::ActiveModel {
        campaign_id: Set(campaigns.id),
        name: Set(format!("ab_tests.name-{tag}")),
        variants: Set(json!({"table": "ab_tests", "column": "variants"})),
        winner: Set(Some(format!("ab_tests.winner-{tag}"))),
        metrics: Set(json!({"table": "ab_tests", "column": "metrics"})),
        started_at: Set(ts()),
        completed_at: Set(Some(ts())),
        ..ab_tests::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert ab_tests");
    let back = ab_tests::Entity::find_by_id(ab_tests.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&ab_tests), "ab_tests reads back");
    ids.insert("ab_tests", ab_tests.id);
    let metric_events = metric_events::ActiveModel {
        r#type: Set(format!("metric_events.type-{tag}")),
        meta: Set(json!({"table": "metric_events", "column": "meta"})),
        ..metric_events::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert metric_events");
    let back = metric_events::Entity::find_by_id(metric_events.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&metric_events),
        "metric_events reads back"
    );
    ids.insert("metric_events", metric_events.id);
    let subscriptions = subscriptions::ActiveModel {
        user_id: Set(users.id),
        stripe_customer_id: Set(format!("subscriptions.stripe_customer_id-{tag}")),
        stripe_subscription_id: Set(format!("subscriptions.stripe_subscription_id-{tag}")),
        stripe_price_id: Set(format!("subscriptions.stripe_price_id-{tag}")),
        stripe_product_id: Set(format!("subscriptions.stripe_product_id-{tag}")),
        plan: Set(format!("subscriptions.plan-{tag}")),
        status: Set(format!("subscriptions.status-{tag}")),
        current_period_start: Set(ts()),
        current_period_end: Set(ts()),
        cancel_at_period_end: Set(true),
        canceled_at: Set(Some(ts())),
        campaigns_used: Set(3),
        emails_sent: Set(3),
        social_posts: Set(3),
        agent_calls: Set(3),
        campaign_limit: Set(3),
        email_limit: Set(3),
        social_limit: Set(3),
        agent_call_limit: Set(3),
        trial_ends_at: Set(Some(ts())),
        metadata: Set(Some(
            json!({"table": "subscriptions", "column": "metadata"}),
        )),
        ..subscriptions::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert subscriptions");
    let back = subscriptions::Entity::find_by_id(subscriptions.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&subscriptions),
        "subscriptions reads back"
    );
    ids.insert("subscriptions", subscriptions.id);
    let invoices = invoices::ActiveModel {
        subscription_id: Set(subscriptions.id),
        stripe_invoice_id: Set(format!("invoices.stripe_invoice_id-{tag}")),
        stripe_payment_intent_id: Set(Some(format!("invoices.stripe_payment_intent_id-{tag}"))),
        amount_due: Set(1_999),
        amount_paid: Set(1_999),
        currency: Set(format!("invoices.currency-{tag}")),
        status: Set(format!("invoices.status-{tag}")),
        invoice_pdf: Set(Some(format!("invoices.invoice_pdf-{tag}"))),
        hosted_invoice_url: Set(Some(format!("invoices.hosted_invoice_url-{tag}"))),
        due_date: Set(Some(ts())),
        paid_at: Set(Some(ts())),
        metadata: Set(Some(json!({"table": "invoices", "column": "metadata"}))),
        ..invoices::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert invoices");
    let back = invoices::Entity::find_by_id(invoices.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&invoices), "invoices reads back");
    ids.insert("invoices", invoices.id);
    let usage_records = usage_records::ActiveModel {
        subscription_id: Set(subscriptions.id),
        resource_type: Set(format!("usage_records.resource_type-{tag}")),
        resource_id: Set(Some(format!("usage_records.resource_id-{tag}"))),
        quantity: Set(3),
        cost: Set(Some(1_999)),
        timestamp: Set(ts()),
        metadata: Set(Some(
            json!({"table": "usage_records", "column": "metadata"}),
        )),
        ..usage_records::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert usage_records");
    let back = usage_records::Entity::find_by_id(usage_records.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&usage_records),
        "usage_records reads back"
    );
    ids.insert("usage_records", usage_records.id);
    let tasks = tasks::ActiveModel {
        organization_id: Set(Some(organizations.id)),
        title: Set(format!("tasks.title-{tag}")),
        description: Set(Some(format!("tasks.description-{tag}"))),
        status: Set(format!("tasks.status-{tag}")),
        priority: Set(format!("tasks.priority-{tag}")),
        created_by_id: Set(users.id),
        assignee_id: Set(Some(users.id)),
        due_date: Set(Some(ts())),
        completed_at: Set(Some(ts())),
        tags: Set(vec!["alpha".to_owned(), "beta".to_owned()]),
        metadata: Set(Some(json!({"table": "tasks", "column": "metadata"}))),
        ..tasks::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert tasks");
    let back = tasks::Entity::find_by_id(tasks.id).one(db).await.unwrap();
    assert_eq!(back.as_ref(), Some(&tasks), "tasks reads back");
    ids.insert("tasks", tasks.id);
    let feedback = feedback::ActiveModel {
        organization_id: Set(Some(organizations.id)),
        r#type: Set(format!("feedback.type-{tag}")),
        category: Set(Some(format!("feedback.category-{tag}"))),
        title: Set(format!("feedback.title-{tag}")),
        description: Set(format!("feedback.description-{tag}")),
        rating: Set(Some(3)),
        status: Set(format!("feedback.status-{tag}")),
        user_id: Set(users.id),
        metadata: Set(Some(json!({"table": "feedback", "column": "metadata"}))),
        response: Set(Some(format!("feedback.response-{tag}"))),
        resolved_at: Set(Some(ts())),
        ..feedback::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert feedback");
    let back = feedback::Entity::find_by_id(feedback.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&feedback), "feedback reads back");
    ids.insert("feedback", feedback.id);
    let audit_logs = audit_logs::ActiveModel {
        organization_id: Set(Some(organizations.id)),
        user_id: Set(Some(users.id)),
        actor_type: Set(Some(format!("audit_logs.actor_type-{tag}"))),
        action: Set(format!("audit_logs.action-{tag}")),
        resource_type: Set(Some(format!("audit_logs.resource_type-{tag}"))),
        resource_id: Set(Some(format!("audit_logs.resource_id-{tag}"))),
        request_hash: Set(Some(format!("audit_logs.request_hash-{tag}"))),
        metadata: Set(Some(json!({"table": "audit_logs", "column": "metadata"}))),
        ip: Set(Some("192.0.2.7".parse().unwrap())),
        ..audit_logs::ActiveModel::new()
    }
    .insert(db)
    .await
    .expect("insert audit_logs");
    let back = audit_logs::Entity::find_by_id(audit_logs.id)
        .one(db)
        .await
        .unwrap();
    assert_eq!(back.as_ref(), Some(&audit_logs), "audit_logs reads back");
    ids.insert("audit_logs", audit_logs.id);
    ids
}
