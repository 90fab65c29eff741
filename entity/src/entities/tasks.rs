//! `tasks`: Work items of users, optionally inside an organization.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Work items of users, optionally inside an organization.
///
/// Table `tasks` (Work).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub organization_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    #[sea_orm(column_type = "Text", default_value = "todo")]
    pub status: String,
    #[sea_orm(column_type = "Text", default_value = "medium")]
    pub priority: String,
    /// Index (created_by_id, status).
    pub created_by_id: Uuid,
    /// Index (assignee_id, status).
    pub assignee_id: Option<Uuid>,
    /// Index (due_date).
    pub due_date: Option<DateTimeWithTimeZone>,
    pub completed_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(column_type = "Array(RcOrArc::new(ColumnType::Text))", default_expr = "Expr::cust(\"'{}'\")")]
    pub tags: Vec<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<Option<super::organizations::Entity>>,
    #[sea_orm(belongs_to, relation_enum = "CreatedBy", from = "created_by_id", to = "id", on_delete = "Cascade")]
    pub created_by: BelongsTo<super::users::Entity>,
    #[sea_orm(belongs_to, relation_enum = "Assignee", from = "assignee_id", to = "id", on_delete = "SetNull")]
    pub assignee: BelongsTo<Option<super::users::Entity>>,
}

crate::uuid_v7_primary_key!();
