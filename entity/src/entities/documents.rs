//! `documents`: Documents of a dataset (or loose documents of an organization).
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Documents of a dataset (or loose documents of an organization).
///
/// Table `documents` (Knowledge (RAG)).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub dataset_id: Option<Uuid>,
    pub organization_id: Uuid,
    pub owner_id: Uuid,
    pub embedding_space_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    #[sea_orm(column_type = "Text", default_value = "draft")]
    pub status: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "dataset_id", to = "id", on_delete = "SetNull")]
    pub dataset: BelongsTo<Option<super::datasets::Entity>>,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "owner_id", to = "id", on_delete = "Cascade")]
    pub owner: BelongsTo<super::users::Entity>,
    #[sea_orm(belongs_to, from = "embedding_space_id", to = "id", on_delete = "SetNull")]
    pub embedding_space: BelongsTo<Option<super::embedding_spaces::Entity>>,
    #[sea_orm(has_many)]
    pub chunks: HasMany<super::chunks::Entity>,
}

crate::uuid_v7_primary_key!();
