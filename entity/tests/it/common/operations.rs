//! One row of every table of billing and operations: subscriptions, invoices, usage records, tasks, feedback, audit log.

use super::{Ids, ts};
use entity::prelude::*;
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;

/// Insert the rows of this domain under `tag` (each checked to read back equal) and record their
/// ids; the rows they point at are in `ids` already.
pub async fn insert(db: &DatabaseConnection, tag: &str, ids: &mut Ids) {
    row!(
        db,
        ids,
        subscriptions {
            user_id: Set(ids["users"]),
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
    );
    row!(
        db,
        ids,
        invoices {
            subscription_id: Set(ids["subscriptions"]),
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
    );
    row!(
        db,
        ids,
        usage_records {
            subscription_id: Set(ids["subscriptions"]),
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
    );
    row!(
        db,
        ids,
        tasks {
            organization_id: Set(Some(ids["organizations"])),
            title: Set(format!("tasks.title-{tag}")),
            description: Set(Some(format!("tasks.description-{tag}"))),
            status: Set(format!("tasks.status-{tag}")),
            priority: Set(format!("tasks.priority-{tag}")),
            created_by_id: Set(ids["users"]),
            assignee_id: Set(Some(ids["users"])),
            due_date: Set(Some(ts())),
            completed_at: Set(Some(ts())),
            tags: Set(vec!["alpha".to_owned(), "beta".to_owned()]),
            metadata: Set(Some(json!({"table": "tasks", "column": "metadata"}))),
            ..tasks::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        feedback {
            organization_id: Set(Some(ids["organizations"])),
            r#type: Set(format!("feedback.type-{tag}")),
            category: Set(Some(format!("feedback.category-{tag}"))),
            title: Set(format!("feedback.title-{tag}")),
            description: Set(format!("feedback.description-{tag}")),
            rating: Set(Some(3)),
            status: Set(format!("feedback.status-{tag}")),
            user_id: Set(ids["users"]),
            metadata: Set(Some(json!({"table": "feedback", "column": "metadata"}))),
            response: Set(Some(format!("feedback.response-{tag}"))),
            resolved_at: Set(Some(ts())),
            ..feedback::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        audit_logs {
            organization_id: Set(Some(ids["organizations"])),
            user_id: Set(Some(ids["users"])),
            actor_type: Set(Some(format!("audit_logs.actor_type-{tag}"))),
            action: Set(format!("audit_logs.action-{tag}")),
            resource_type: Set(Some(format!("audit_logs.resource_type-{tag}"))),
            resource_id: Set(Some(format!("audit_logs.resource_id-{tag}"))),
            request_hash: Set(Some(format!("audit_logs.request_hash-{tag}"))),
            metadata: Set(Some(json!({"table": "audit_logs", "column": "metadata"}))),
            ip: Set(Some("192.0.2.7".parse().unwrap())),
            ..audit_logs::ActiveModel::new()
        }
    );
}
