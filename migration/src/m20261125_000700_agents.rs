//! Agents and tools: creates `agents`, `agent_capabilities`, `agent_configs`, `agent_runs`, `agent_run_metrics`, `tools`, `tool_executions`, `agent_jobs`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "agents",
    "agent_capabilities",
    "agent_configs",
    "agent_runs",
    "agent_run_metrics",
    "tools",
    "tool_executions",
    "agent_jobs",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("agents")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(text("name"))
                .col(text("slug"))
                .col(custom("kind", "agent_kind"))
                .col(custom("status", "agent_status").default("ACTIVE"))
                .col(text_null("description"))
                .col(text_null("version"))
                .col(json_binary_null("config"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "agents",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("agent_capabilities")
                .col(pk_id())
                .col(uuid("agent_id"))
                .col(text("name"))
                .col(json_binary_null("config"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "agent_capabilities",
                    "agent_id",
                    "agents",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("agent_configs")
                .col(pk_id())
                .col(uuid("agent_id"))
                .col(text("key"))
                .col(json_binary("value"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "agent_configs",
                    "agent_id",
                    "agents",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("agent_runs")
                .col(pk_id())
                .col(uuid("agent_id"))
                .col(uuid("organization_id"))
                .col(uuid_null("dataset_id"))
                .col(text("status").default("queued"))
                .col(json_binary("input"))
                .col(json_binary_null("output"))
                .col(json_binary_null("metrics"))
                .col(timestamp_with_time_zone("started_at").default(Expr::cust("now()")))
                .col(timestamp_with_time_zone_null("completed_at"))
                .foreign_key(&mut fk(
                    "agent_runs",
                    "agent_id",
                    "agents",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "agent_runs",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "agent_runs",
                    "dataset_id",
                    "datasets",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            Table::create()
                .table("agent_run_metrics")
                .col(pk_id())
                .col(uuid("agent_run_id"))
                .col(text("name"))
                .col(double_null("value"))
                .col(json_binary_null("metadata"))
                .foreign_key(&mut fk(
                    "agent_run_metrics",
                    "agent_run_id",
                    "agent_runs",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
            Table::create()
                .table("tools")
                .col(pk_id())
                .col(uuid("organization_id"))
                .col(uuid_null("agent_id"))
                .col(uuid_null("connector_id"))
                .col(text("name"))
                .col(text("slug"))
                .col(text_null("description"))
                .col(json_binary_null("input_schema"))
                .col(json_binary_null("output_schema"))
                .col(created_at())
                .foreign_key(&mut fk(
                    "tools",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "tools",
                    "agent_id",
                    "agents",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "tools",
                    "connector_id",
                    "connectors",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            Table::create()
                .table("tool_executions")
                .col(pk_id())
                .col(uuid("tool_id"))
                .col(uuid_null("agent_run_id"))
                .col(text("status").default("queued"))
                .col(json_binary_null("input"))
                .col(json_binary_null("output"))
                .col(timestamp_with_time_zone("started_at").default(Expr::cust("now()")))
                .col(timestamp_with_time_zone_null("completed_at"))
                .col(json_binary_null("metadata"))
                .foreign_key(&mut fk(
                    "tool_executions",
                    "tool_id",
                    "tools",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "tool_executions",
                    "agent_run_id",
                    "agent_runs",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            Table::create()
                .table("agent_jobs")
                .col(pk_id())
                .col(uuid_null("organization_id"))
                .col(text("agent"))
                .col(json_binary("input"))
                .col(json_binary_null("output"))
                .col(text("status").default("queued"))
                .col(text_null("error"))
                .col(json_binary_null("metrics"))
                .col(uuid_null("created_by_id"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "agent_jobs",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "agent_jobs",
                    "created_by_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        ];
        let indexes = [
            unique("agents", &["organization_id", "slug"]),
            unique("agent_capabilities", &["agent_id", "name"]),
            unique("agent_configs", &["agent_id", "key"]),
            index("agent_runs", &["agent_id", "started_at"]),
            index("agent_runs", &["organization_id"]),
            index("agent_runs", &["dataset_id"]),
            index("agent_run_metrics", &["agent_run_id"]),
            unique("tools", &["organization_id", "slug"]),
            index("tools", &["agent_id"]),
            index("tools", &["connector_id"]),
            index("tool_executions", &["tool_id"]),
            index("tool_executions", &["agent_run_id"]),
            index("agent_jobs", &["agent"]),
            index("agent_jobs", &["status"]),
            index("agent_jobs", &["created_at"]),
            index("agent_jobs", &["organization_id"]),
            index("agent_jobs", &["created_by_id"]),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
