//! `content_drafts`: Working drafts written by users before they become content.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Working drafts written by users before they become content.
///
/// Table `content_drafts` (Content and campaigns).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "content_drafts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub organization_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub topic: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    #[sea_orm(column_type = "Text", default_value = "professional")]
    pub tone: String,
    #[sea_orm(column_type = "Text")]
    pub audience: Option<String>,
    #[sea_orm(column_type = "Text", default_value = "draft")]
    pub status: String,
    /// Index (created_by_id, status).
    pub created_by_id: Uuid,
    /// Index (created_at).
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    /// Index (created_at).
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<Option<super::organizations::Entity>>,
    #[sea_orm(belongs_to, from = "created_by_id", to = "id", on_delete = "Cascade")]
    pub created_by: BelongsTo<super::users::Entity>,
}

crate::uuid_v7_primary_key!();
