//! `conversations`: Conversations (support, campaign, planning, ad hoc) of an organization.
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Conversations (support, campaign, planning, ad hoc) of an organization.
///
/// Table `conversations` (Conversations).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (organization_id, created_at).
    pub organization_id: Uuid,
    #[sea_orm(default_value = "support")]
    pub kind: ConversationKind,
    #[sea_orm(column_type = "Text", default_value = "active")]
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub title: Option<String>,
    pub created_by_id: Option<Uuid>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "created_by_id", to = "id", on_delete = "SetNull")]
    pub created_by: BelongsTo<Option<super::users::Entity>>,
    #[sea_orm(has_many)]
    pub messages: HasMany<super::messages::Entity>,
}

crate::uuid_v7_primary_key!();
