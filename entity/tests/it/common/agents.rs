//! One row of every table of agents and models: agents, capabilities, configurations, runs and their metrics, tools, jobs, conversations, messages, model versions, training jobs, inference endpoints.

use super::{Ids, ts, unit_vector};
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
        agents {
            organization_id: Set(ids["organizations"]),
            name: Set(format!("agents.name-{tag}")),
            slug: Set(format!("agents.slug-{tag}")),
            kind: Set(AgentKind::Copilot),
            status: Set(AgentStatus::Draft),
            description: Set(Some(format!("agents.description-{tag}"))),
            version: Set(Some(format!("agents.version-{tag}"))),
            config: Set(Some(json!({"table": "agents", "column": "config"}))),
            ..agents::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        agent_capabilities {
            agent_id: Set(ids["agents"]),
            name: Set(format!("agent_capabilities.name-{tag}")),
            config: Set(Some(
                json!({"table": "agent_capabilities", "column": "config"}),
            )),
            ..agent_capabilities::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        agent_configs {
            agent_id: Set(ids["agents"]),
            key: Set(format!("agent_configs.key-{tag}")),
            value: Set(json!({"table": "agent_configs", "column": "value"})),
            ..agent_configs::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        agent_runs {
            agent_id: Set(ids["agents"]),
            organization_id: Set(ids["organizations"]),
            dataset_id: Set(Some(ids["datasets"])),
            status: Set(format!("agent_runs.status-{tag}")),
            input: Set(json!({"table": "agent_runs", "column": "input"})),
            output: Set(Some(json!({"table": "agent_runs", "column": "output"}))),
            metrics: Set(Some(json!({"table": "agent_runs", "column": "metrics"}))),
            started_at: Set(ts()),
            completed_at: Set(Some(ts())),
            ..agent_runs::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        agent_run_metrics {
            agent_run_id: Set(ids["agent_runs"]),
            name: Set(format!("agent_run_metrics.name-{tag}")),
            value: Set(Some(0.25)),
            metadata: Set(Some(
                json!({"table": "agent_run_metrics", "column": "metadata"}),
            )),
            ..agent_run_metrics::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        tools {
            organization_id: Set(ids["organizations"]),
            agent_id: Set(Some(ids["agents"])),
            connector_id: Set(Some(ids["connectors"])),
            name: Set(format!("tools.name-{tag}")),
            slug: Set(format!("tools.slug-{tag}")),
            description: Set(Some(format!("tools.description-{tag}"))),
            input_schema: Set(Some(json!({"table": "tools", "column": "input_schema"}))),
            output_schema: Set(Some(json!({"table": "tools", "column": "output_schema"}))),
            ..tools::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        tool_executions {
            tool_id: Set(ids["tools"]),
            agent_run_id: Set(Some(ids["agent_runs"])),
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
    );
    row!(
        db,
        ids,
        agent_jobs {
            organization_id: Set(Some(ids["organizations"])),
            agent: Set(format!("agent_jobs.agent-{tag}")),
            input: Set(json!({"table": "agent_jobs", "column": "input"})),
            output: Set(Some(json!({"table": "agent_jobs", "column": "output"}))),
            status: Set(format!("agent_jobs.status-{tag}")),
            error: Set(Some(format!("agent_jobs.error-{tag}"))),
            metrics: Set(Some(json!({"table": "agent_jobs", "column": "metrics"}))),
            created_by_id: Set(Some(ids["users"])),
            ..agent_jobs::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        conversations {
            organization_id: Set(ids["organizations"]),
            kind: Set(ConversationKind::Support),
            status: Set(format!("conversations.status-{tag}")),
            title: Set(Some(format!("conversations.title-{tag}"))),
            created_by_id: Set(Some(ids["users"])),
            metadata: Set(Some(
                json!({"table": "conversations", "column": "metadata"}),
            )),
            ..conversations::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        messages {
            conversation_id: Set(ids["conversations"]),
            organization_id: Set(ids["organizations"]),
            author_id: Set(Some(ids["users"])),
            role: Set(MessageRole::System),
            content: Set(json!({"table": "messages", "column": "content"})),
            embedding: Set(Some(unit_vector(1))),
            metadata: Set(Some(json!({"table": "messages", "column": "metadata"}))),
            ..messages::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        model_versions {
            organization_id: Set(ids["organizations"]),
            name: Set(format!("model_versions.name-{tag}")),
            provider: Set(format!("model_versions.provider-{tag}")),
            version: Set(format!("model_versions.version-{tag}")),
            metadata: Set(Some(
                json!({"table": "model_versions", "column": "metadata"}),
            )),
            ..model_versions::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        training_jobs {
            model_version_id: Set(ids["model_versions"]),
            status: Set(TrainStatus::Queued),
            config: Set(json!({"table": "training_jobs", "column": "config"})),
            metrics: Set(Some(json!({"table": "training_jobs", "column": "metrics"}))),
            started_at: Set(ts()),
            completed_at: Set(Some(ts())),
            ..training_jobs::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        inference_endpoints {
            organization_id: Set(ids["organizations"]),
            model_version_id: Set(Some(ids["model_versions"])),
            name: Set(format!("inference_endpoints.name-{tag}")),
            slug: Set(format!("inference_endpoints.slug-{tag}")),
            status: Set(format!("inference_endpoints.status-{tag}")),
            config: Set(Some(
                json!({"table": "inference_endpoints", "column": "config"}),
            )),
            ..inference_endpoints::ActiveModel::new()
        }
    );
}
