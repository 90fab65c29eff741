//! On a fresh database, one seed installs every fixture of the issue, linked by real foreign
//! keys; `seeded_tables` names exactly the tables that got rows; no secret column holds data.

use crate::common;

use entity::prelude::*;
use sea_orm::prelude::PgVector;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Iterable,
    PaginatorTrait, QueryFilter, QueryOrder, Statement,
};
use seeder::{SeedOptions, cosine_similarity, seed, seeded_tables};
use std::collections::{BTreeSet, HashSet};
use testkit::TestDb;
use uuid::Uuid;

async fn seeded() -> TestDb {
    let db = TestDb::migrated().await;
    let report = seed(db.conn(), &SeedOptions::default()).await.unwrap();
    assert_eq!(report.updated + report.unchanged, 0, "fresh database");
    db
}

fn unit_length(v: &PgVector) {
    let norm: f64 = v
        .as_slice()
        .iter()
        .map(|&x| f64::from(x) * f64::from(x))
        .sum::<f64>()
        .sqrt();
    assert_eq!(v.as_slice().len(), EMBEDDING_DIM);
    assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
}

async fn organization(conn: &DatabaseConnection) -> organizations::Model {
    Organizations::find()
        .filter(organizations::Column::Slug.eq("neonhub"))
        .one(conn)
        .await
        .unwrap()
        .expect("organization neonhub")
}

async fn user(conn: &DatabaseConnection, email: &str) -> users::Model {
    Users::find()
        .filter(users::Column::Email.eq(email))
        .one(conn)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("user {email}"))
}

async fn agent(conn: &DatabaseConnection, org: Uuid, slug: &str) -> agents::Model {
    Agents::find()
        .filter(agents::Column::OrganizationId.eq(org))
        .filter(agents::Column::Slug.eq(slug))
        .one(conn)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("agent {slug}"))
}

async fn connector(conn: &DatabaseConnection, name: &str) -> connectors::Model {
    Connectors::find()
        .filter(connectors::Column::Name.eq(name))
        .one(conn)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("connector {name}"))
}

#[tokio::test]
async fn organization_people_and_rbac() {
    let db = seeded().await;
    let conn = db.conn();
    let org = organization(conn).await;
    assert_eq!((org.name.as_str(), org.plan.as_str()), ("NeonHub", "scale"));
    let settings = org.settings.clone().expect("settings");
    assert!(settings["timezone"].is_string() && settings["theme"].is_string());

    let admin = user(conn, "admin@neonhub.ai").await;
    assert!(admin.email_verified_at.is_some() && admin.is_beta_user);
    let member = user(conn, "maya@neonhub.ai").await;
    assert_ne!(admin.id, member.id);

    let roles = OrganizationRoles::find()
        .filter(organization_roles::Column::OrganizationId.eq(org.id))
        .all(conn)
        .await
        .unwrap();
    let slugs: BTreeSet<_> = roles.iter().map(|r| r.slug.as_str()).collect();
    assert_eq!(
        slugs,
        BTreeSet::from(["admin", "member", "owner", "viewer"])
    );
    let permissions = OrganizationPermissions::find()
        .filter(organization_permissions::Column::OrganizationId.eq(org.id))
        .all(conn)
        .await
        .unwrap();
    let all: BTreeSet<_> = permissions.iter().map(|p| p.key.clone()).collect();
    assert_eq!(
        all,
        BTreeSet::from([
            "agents:execute".to_owned(),
            "campaigns:publish".to_owned(),
            "data:export".to_owned(),
            "workspace:manage".to_owned(),
        ])
    );
    for role in &roles {
        let granted: BTreeSet<String> = RolePermissions::find()
            .filter(role_permissions::Column::RoleId.eq(role.id))
            .all(conn)
            .await
            .unwrap()
            .iter()
            .map(|link| {
                permissions
                    .iter()
                    .find(|p| p.id == link.permission_id)
                    .expect("link to a permission of the organization")
                    .key
                    .clone()
            })
            .collect();
        let expected: BTreeSet<String> = match role.slug.as_str() {
            "owner" | "admin" => all.clone(),
            "member" => BTreeSet::from(["agents:execute".to_owned()]),
            _ => BTreeSet::new(),
        };
        assert_eq!(granted, expected, "grants of {}", role.slug);
    }

    let members = OrganizationMembers::find()
        .filter(organization_members::Column::OrganizationId.eq(org.id))
        .all(conn)
        .await
        .unwrap();
    let role_of = |user: Uuid| {
        let m = members.iter().find(|m| m.user_id == user).expect("member");
        roles
            .iter()
            .find(|r| Some(r.id) == m.role_id)
            .map(|r| r.slug.clone())
    };
    assert_eq!(role_of(admin.id).as_deref(), Some("owner"));
    assert_eq!(role_of(member.id).as_deref(), Some("member"));
    let invited = members.iter().find(|m| m.user_id == member.id).unwrap();
    assert_eq!(invited.invited_by_id, Some(admin.id));
}

#[tokio::test]
async fn brand_knowledge_and_conversation() {
    let db = seeded().await;
    let conn = db.conn();
    let org = organization(conn).await;

    let space = EmbeddingSpaces::find()
        .filter(embedding_spaces::Column::OrganizationId.eq(org.id))
        .filter(embedding_spaces::Column::Name.eq("openai-text-embedding-3-small"))
        .one(conn)
        .await
        .unwrap()
        .expect("embedding space");
    assert_eq!((space.provider.as_str(), space.dimension), ("openai", 1536));

    let brand = Brands::find()
        .filter(brands::Column::OrganizationId.eq(org.id))
        .filter(brands::Column::Name.eq("NeonHub"))
        .one(conn)
        .await
        .unwrap()
        .expect("brand");
    let voices = BrandVoices::find()
        .filter(brand_voices::Column::BrandId.eq(brand.id))
        .all(conn)
        .await
        .unwrap();
    assert_eq!(voices.len(), 1);
    assert!(!voices[0].prompt_template.is_empty());
    assert!(voices[0].style_rules.is_object());
    assert_eq!(voices[0].embedding_space_id, space.id);
    unit_length(voices[0].embedding.as_ref().expect("voice embedding"));
    let assets = BrandAssets::find()
        .filter(brand_assets::Column::BrandId.eq(brand.id))
        .count(conn)
        .await
        .unwrap();
    assert_eq!(assets, 1);

    let conversation = Conversations::find()
        .filter(conversations::Column::OrganizationId.eq(org.id))
        .filter(conversations::Column::Kind.eq(ConversationKind::Support))
        .one(conn)
        .await
        .unwrap()
        .expect("support conversation");
    let messages = Messages::find()
        .filter(messages::Column::ConversationId.eq(conversation.id))
        .order_by_asc(messages::Column::CreatedAt)
        .all(conn)
        .await
        .unwrap();
    assert!(messages.len() >= 4);
    let roles: HashSet<_> = messages.iter().map(|m| m.role).collect();
    assert_eq!(
        roles.len(),
        MessageRole::iter().count(),
        "every role speaks"
    );
    assert_eq!(
        messages[0].role,
        MessageRole::System,
        "ordered by created_at"
    );
    for m in &messages {
        assert_eq!(m.organization_id, org.id);
        unit_length(m.embedding.as_ref().expect("message embedding"));
    }

    let dataset = Datasets::find()
        .filter(datasets::Column::OrganizationId.eq(org.id))
        .filter(datasets::Column::Kind.eq(DatasetKind::Documents))
        .one(conn)
        .await
        .unwrap()
        .expect("documents dataset");
    assert_eq!(dataset.embedding_space_id, Some(space.id));
    let documents = Documents::find()
        .filter(documents::Column::DatasetId.eq(dataset.id))
        .all(conn)
        .await
        .unwrap();
    assert_eq!(documents.len(), 2);
    let chunks = Chunks::find()
        .filter(chunks::Column::DatasetId.eq(dataset.id))
        .order_by_asc(chunks::Column::Idx)
        .all(conn)
        .await
        .unwrap();
    assert!(chunks.len() >= 6, "{} chunks", chunks.len());
    for doc in &documents {
        let own: Vec<_> = chunks.iter().filter(|c| c.document_id == doc.id).collect();
        assert!(!own.is_empty(), "{} has chunks", doc.title);
        for c in own {
            assert!(
                doc.content.contains(&c.text),
                "chunk text comes from its document"
            );
            assert_eq!(c.embedding_space_id, space.id);
        }
    }
    for c in &chunks {
        unit_length(c.embedding.as_ref().expect("chunk embedding"));
    }
    // The stored vectors are the deterministic ones, similar texts closer than unrelated.
    let email_chunk = chunks
        .iter()
        .find(|c| c.text.contains("email connector"))
        .unwrap();
    let stored = email_chunk.embedding.as_ref().unwrap().as_slice().to_vec();
    assert_eq!(stored, seeder::fixture_embedding(&email_chunk.text));
    let near = cosine_similarity(
        &stored,
        &seeder::fixture_embedding("connect the email connector"),
    );
    let far = cosine_similarity(&stored, &seeder::fixture_embedding("invoice refund policy"));
    assert!(near > far, "{near} > {far}");
}

#[tokio::test]
async fn agents_tools_connectors_and_campaign() {
    let db = seeded().await;
    let conn = db.conn();
    let org = organization(conn).await;
    let admin = user(conn, "admin@neonhub.ai").await;

    let copilot = agent(conn, org.id, "brand-voice-copilot").await;
    assert_eq!(copilot.kind, AgentKind::Copilot);
    let email_agent = agent(conn, org.id, "email-agent").await;
    let social_agent = agent(conn, org.id, "social-agent").await;
    assert_eq!(email_agent.kind, AgentKind::Workflow);
    assert_eq!(social_agent.kind, AgentKind::Workflow);
    let capabilities = AgentCapabilities::find()
        .filter(agent_capabilities::Column::AgentId.eq(copilot.id))
        .count(conn)
        .await
        .unwrap();
    let configs = AgentConfigs::find()
        .filter(agent_configs::Column::AgentId.eq(copilot.id))
        .count(conn)
        .await
        .unwrap();
    assert!(capabilities > 0 && configs > 0);

    // The catalogue: every ConnectorKind exactly once, metadata only.
    let catalogue = Connectors::find().all(conn).await.unwrap();
    for kind in ConnectorKind::iter() {
        let entries: Vec<_> = catalogue.iter().filter(|c| c.category == kind).collect();
        assert_eq!(entries.len(), 1, "{kind:?}");
        let c = entries[0];
        assert!(!c.display_name.is_empty() && !c.description.is_empty());
        assert!(c.website_url.is_some());
        assert!(["oauth2", "api_key", "smtp"].contains(&c.auth_type.as_str()));
        assert!(c.auth_config.is_object());
        assert!(c.triggers.is_array() && c.actions.is_array());
    }

    let auths = ConnectorAuths::find()
        .filter(connector_auths::Column::UserId.eq(admin.id))
        .all(conn)
        .await
        .unwrap();
    assert!(auths.len() >= 2);
    let email = connector(conn, "email").await;
    assert!(auths.iter().any(|a| a.connector_id == email.id));
    for a in &auths {
        assert_eq!(a.status, "demo");
        assert!(a.account_name.is_some());
        assert_eq!(a.metadata.as_ref().unwrap()["fixture"], true);
        assert_eq!(
            (&a.access_token, &a.refresh_token, &a.api_key, &a.api_secret),
            (&None, &None, &None, &None)
        );
    }

    for (slug, owner, connector_name) in [
        ("send-email", &email_agent, "email"),
        ("publish-social-post", &social_agent, "instagram"),
        ("send-sms", &email_agent, "sms"),
    ] {
        let tool = Tools::find()
            .filter(tools::Column::OrganizationId.eq(org.id))
            .filter(tools::Column::Slug.eq(slug))
            .one(conn)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("tool {slug}"));
        assert_eq!(tool.agent_id, Some(owner.id), "{slug}");
        assert_eq!(
            tool.connector_id,
            Some(connector(conn, connector_name).await.id),
            "{slug}"
        );
        assert!(tool.input_schema.is_some() && tool.output_schema.is_some());
    }

    let runs = AgentRuns::find()
        .filter(agent_runs::Column::OrganizationId.eq(org.id))
        .filter(agent_runs::Column::Status.eq("completed"))
        .all(conn)
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert!(runs[0].completed_at.is_some());
    let metrics = AgentRunMetrics::find()
        .filter(agent_run_metrics::Column::AgentRunId.eq(runs[0].id))
        .count(conn)
        .await
        .unwrap();
    assert!(metrics > 0);
    let executions = ToolExecutions::find()
        .filter(tool_executions::Column::AgentRunId.eq(runs[0].id))
        .count(conn)
        .await
        .unwrap();
    assert_eq!(executions, 1);

    let campaign = Campaigns::find()
        .filter(campaigns::Column::OrganizationId.eq(org.id))
        .one(conn)
        .await
        .unwrap()
        .expect("campaign");
    let days: BTreeSet<_> = CampaignMetrics::find()
        .filter(campaign_metrics::Column::CampaignId.eq(campaign.id))
        .all(conn)
        .await
        .unwrap()
        .iter()
        .map(|m| m.timestamp.date_naive())
        .collect();
    assert!(days.len() >= 3, "metrics over several days: {days:?}");
    for (table, n) in [
        (
            "email_sequences",
            EmailSequences::find()
                .filter(email_sequences::Column::CampaignId.eq(campaign.id))
                .count(conn)
                .await
                .unwrap(),
        ),
        (
            "social_posts",
            SocialPosts::find()
                .filter(social_posts::Column::CampaignId.eq(campaign.id))
                .count(conn)
                .await
                .unwrap(),
        ),
        (
            "ab_tests",
            AbTests::find()
                .filter(ab_tests::Column::CampaignId.eq(campaign.id))
                .count(conn)
                .await
                .unwrap(),
        ),
    ] {
        assert!(n >= 1, "{table}");
    }
    let kinds: BTreeSet<_> = Content::find()
        .filter(content::Column::OrganizationId.eq(org.id))
        .all(conn)
        .await
        .unwrap()
        .iter()
        .map(|c| format!("{:?}", c.kind))
        .collect();
    assert_eq!(kinds, BTreeSet::from(["Article".into(), "Email".into()]));

    let audit = AuditLogs::find().all(conn).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "seed.fixtures_installed");
    assert_eq!(audit[0].organization_id, Some(org.id));
}

#[tokio::test]
async fn seeded_tables_are_exactly_the_tables_with_rows() {
    let db = seeded().await;
    let counts = common::counts(db.conn()).await;
    let with_rows: BTreeSet<&str> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(t, _)| *t)
        .collect();
    let seeded: BTreeSet<&str> = seeded_tables().into_iter().collect();
    assert_eq!(with_rows, seeded);
    // And each holds exactly the plan's rows.
    for (table, n) in seeder::fixtures().unwrap().counts() {
        assert_eq!(counts[table], n as i64, "{table}");
    }
}

#[tokio::test]
async fn no_secret_column_holds_data() {
    let db = seeded().await;
    for table in entity::registry::tables() {
        for column in table.columns().iter().filter(|c| c.pg_type == "bytea") {
            let row = db
                .conn()
                .query_one_raw(Statement::from_string(
                    DbBackend::Postgres,
                    format!(
                        "SELECT count(*) AS n FROM {} WHERE {} IS NOT NULL",
                        table.name, column.name
                    ),
                ))
                .await
                .unwrap()
                .unwrap();
            let n: i64 = row.try_get("", "n").unwrap();
            assert_eq!(n, 0, "{}.{} holds data", table.name, column.name);
        }
    }
}
