//! `chunks`: Embedded chunks of a document, the unit of retrieval.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Embedded chunks of a document, the unit of retrieval.
///
/// Table `chunks` (Knowledge (RAG)).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "chunks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    pub dataset_id: Uuid,
    /// Position in its document: unique per document (key `(organization_id, document_id, idx)`,
    /// the tenant first so that no write can collide with another tenant's chunks).
    #[sea_orm(unique_key = "document_id_idx")]
    pub document_id: Uuid,
    /// The document's organization, denormalised: the tenant key of filtered vector search and row-level security.
    pub organization_id: Uuid,
    pub embedding_space_id: Uuid,
    /// Check >= 0; position within the document.
    #[sea_orm(unique_key = "document_id_idx")]
    pub idx: i32,
    #[sea_orm(column_type = "Text")]
    pub text: String,
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
    #[sea_orm(belongs_to, from = "dataset_id", to = "id", on_delete = "Cascade")]
    pub dataset: BelongsTo<super::datasets::Entity>,
    #[sea_orm(belongs_to, from = "document_id", to = "id", on_delete = "Cascade")]
    pub document: BelongsTo<super::documents::Entity>,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "embedding_space_id", to = "id", on_delete = "Cascade")]
    pub embedding_space: BelongsTo<super::embedding_spaces::Entity>,
}

crate::uuid_v7_primary_key!();
