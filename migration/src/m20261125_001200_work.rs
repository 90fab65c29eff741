//! Work: creates `tasks`, `feedback`.
//!
//! Written as the tables were at this point in history; never edit an applied migration,
//! add a new one instead.
use crate::util::*;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["tasks", "feedback"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table("tasks")
                .col(pk_id())
                .col(uuid_null("organization_id"))
                .col(text("title"))
                .col(text_null("description"))
                .col(text("status").default("todo"))
                .col(text("priority").default("medium"))
                .col(uuid("created_by_id"))
                .col(uuid_null("assignee_id"))
                .col(timestamp_with_time_zone_null("due_date"))
                .col(timestamp_with_time_zone_null("completed_at"))
                .col(array("tags", ColumnType::Text).default(Expr::cust("'{}'")))
                .col(json_binary_null("metadata"))
                .col(created_at())
                .col(updated_at())
                .foreign_key(&mut fk(
                    "tasks",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "tasks",
                    "created_by_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "tasks",
                    "assignee_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
            Table::create()
                .table("feedback")
                .col(pk_id())
                .col(uuid_null("organization_id"))
                .col(text("type"))
                .col(text_null("category"))
                .col(text("title"))
                .col(text("description"))
                .col(integer_null("rating"))
                .col(text("status").default("open"))
                .col(uuid("user_id"))
                .col(json_binary_null("metadata"))
                .col(text_null("response"))
                .col(created_at())
                .col(updated_at())
                .col(timestamp_with_time_zone_null("resolved_at"))
                .check(check("feedback", "rating", "rating BETWEEN 1 AND 5"))
                .foreign_key(&mut fk(
                    "feedback",
                    "organization_id",
                    "organizations",
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    "feedback",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        ];
        let indexes = [
            index("tasks", &["created_by_id", "status"]),
            index("tasks", &["assignee_id", "status"]),
            index("tasks", &["due_date"]),
            index("tasks", &["organization_id"]),
            index("feedback", &["type", "status"]),
            index("feedback", &["user_id", "status"]),
            index("feedback", &["created_at"]),
            index("feedback", &["organization_id"]),
        ];
        create_tables(manager, tables, indexes).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
