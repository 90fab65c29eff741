//! `messages`: Messages of a conversation, with an optional embedding for semantic search.
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Messages of a conversation, with an optional embedding for semantic search.
///
/// Table `messages` (Conversations).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (conversation_id, created_at).
    pub conversation_id: Uuid,
    /// The conversation's organization, denormalised: the tenant key of filtered vector search and row-level security (kept equal to the parent's by the composite foreign key).
    pub organization_id: Uuid,
    pub author_id: Option<Uuid>,
    /// Index (role, created_at).
    pub role: MessageRole,
    #[sea_orm(column_type = "JsonBinary")]
    pub content: Json,
    /// HNSW index, cosine.
    #[sea_orm(column_type = "Vector(Some(1536))")]
    pub embedding: Option<PgVector>,
    /// Whether the embedding is in the table's HNSW graph (and its tenant's index): false from
    /// insert until `vector-maintain` merges the row (once it has an embedding), so that inserts
    /// do not pay for the graph; searches scan the waiting rows exactly meanwhile
    /// (docs/VECTOR_SEARCH.md, "Deferred graph").
    #[sea_orm(default_value = false)]
    pub embedding_indexed: bool,
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "conversation_id", to = "id", on_delete = "Cascade")]
    pub conversation: BelongsTo<super::conversations::Entity>,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "author_id", to = "id", on_delete = "SetNull")]
    pub author: BelongsTo<Option<super::users::Entity>>,
}

crate::uuid_v7_primary_key!();
