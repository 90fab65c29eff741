//! One row of every table of content and campaigns: content, drafts, campaigns and their metrics, email sequences, social posts, A/B tests, metric events.

use super::{Ids, ts};
use entity::enums::*;
use entity::prelude::*;
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;

/// Insert the rows of this domain under `tag` (each checked to read back equal) and record their
/// ids; the rows they point at are in `ids` already.
pub async fn insert(db: &DatabaseConnection, tag: &str, ids: &mut Ids) {
    row!(
        db,
        ids,
        content {
            organization_id: Set(ids["organizations"]),
            author_id: Set(Some(ids["users"])),
            kind: Set(ContentKind::Article),
            status: Set(format!("content.status-{tag}")),
            title: Set(Some(format!("content.title-{tag}"))),
            body: Set(Some(format!("content.body-{tag}"))),
            metadata: Set(Some(json!({"table": "content", "column": "metadata"}))),
            published_at: Set(Some(ts())),
            ..content::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        content_drafts {
            organization_id: Set(Some(ids["organizations"])),
            title: Set(format!("content_drafts.title-{tag}")),
            topic: Set(format!("content_drafts.topic-{tag}")),
            body: Set(format!("content_drafts.body-{tag}")),
            tone: Set(format!("content_drafts.tone-{tag}")),
            audience: Set(Some(format!("content_drafts.audience-{tag}"))),
            status: Set(format!("content_drafts.status-{tag}")),
            created_by_id: Set(ids["users"]),
            ..content_drafts::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        campaigns {
            organization_id: Set(ids["organizations"]),
            owner_id: Set(ids["users"]),
            name: Set(format!("campaigns.name-{tag}")),
            status: Set(CampaignStatus::Draft),
            r#type: Set(format!("campaigns.type-{tag}")),
            config: Set(Some(json!({"table": "campaigns", "column": "config"}))),
            schedule: Set(Some(json!({"table": "campaigns", "column": "schedule"}))),
            budget: Set(Some(json!({"table": "campaigns", "column": "budget"}))),
            ..campaigns::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        campaign_metrics {
            campaign_id: Set(ids["campaigns"]),
            kind: Set(format!("campaign_metrics.kind-{tag}")),
            value: Set(Some(0.25)),
            payload: Set(Some(
                json!({"table": "campaign_metrics", "column": "payload"}),
            )),
            timestamp: Set(ts()),
            ..campaign_metrics::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        email_sequences {
            campaign_id: Set(ids["campaigns"]),
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
    );
    row!(
        db,
        ids,
        social_posts {
            campaign_id: Set(ids["campaigns"]),
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
    );
    row!(
        db,
        ids,
        ab_tests {
            campaign_id: Set(ids["campaigns"]),
            name: Set(format!("ab_tests.name-{tag}")),
            variants: Set(json!({"table": "ab_tests", "column": "variants"})),
            winner: Set(Some(format!("ab_tests.winner-{tag}"))),
            metrics: Set(json!({"table": "ab_tests", "column": "metrics"})),
            started_at: Set(ts()),
            completed_at: Set(Some(ts())),
            ..ab_tests::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        metric_events {
            r#type: Set(format!("metric_events.type-{tag}")),
            meta: Set(json!({"table": "metric_events", "column": "meta"})),
            ..metric_events::ActiveModel::new()
        }
    );
}
