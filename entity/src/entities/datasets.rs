//! `datasets`: RAG datasets of an organization.
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// RAG datasets of an organization.
///
/// Table `datasets` (Knowledge (RAG)).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "datasets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    #[sea_orm(unique_key = "organization_id_slug")]
    pub organization_id: Uuid,
    pub embedding_space_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// Unique (organization_id, slug).
    #[sea_orm(column_type = "Text", unique_key = "organization_id_slug")]
    pub slug: String,
    pub kind: DatasetKind,
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub source: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "embedding_space_id", to = "id", on_delete = "SetNull")]
    pub embedding_space: BelongsTo<Option<super::embedding_spaces::Entity>>,
    #[sea_orm(has_many)]
    pub agent_runs: HasMany<super::agent_runs::Entity>,
    #[sea_orm(has_many)]
    pub documents: HasMany<super::documents::Entity>,
    #[sea_orm(has_many)]
    pub chunks: HasMany<super::chunks::Entity>,
}

crate::uuid_v7_primary_key!();
