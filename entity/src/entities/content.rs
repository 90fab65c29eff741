//! `content`: Published or draft content items (articles, emails, social scripts, ad copy).
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Published or draft content items (articles, emails, social scripts, ad copy).
///
/// Table `content` (Content and campaigns).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "content")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub author_id: Option<Uuid>,
    pub kind: ContentKind,
    #[sea_orm(column_type = "Text", default_value = "draft")]
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub title: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub body: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    pub published_at: Option<DateTimeWithTimeZone>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "author_id", to = "id", on_delete = "SetNull")]
    pub author: BelongsTo<Option<super::users::Entity>>,
}

crate::uuid_v7_primary_key!();
