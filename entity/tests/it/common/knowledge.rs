//! One row of every table of brands and knowledge: embedding spaces, brands and their voices and assets, datasets, documents, chunks.

use super::{Ids, unit_vector};
use entity::enums::*;
use entity::prelude::*;
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;

/// Insert the rows of this domain under `tag` (each checked to read back equal) and record their
/// ids; the rows they point at are in `ids` already.
pub async fn insert(db: &DatabaseConnection, tag: &str, ids: &mut Ids) {
    row!(
        db,
        ids,
        embedding_spaces {
            organization_id: Set(ids["organizations"]),
            name: Set(format!("embedding_spaces.name-{tag}")),
            provider: Set(format!("embedding_spaces.provider-{tag}")),
            model: Set(format!("embedding_spaces.model-{tag}")),
            dimension: Set(1536),
            metadata: Set(Some(
                json!({"table": "embedding_spaces", "column": "metadata"}),
            )),
            ..embedding_spaces::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        brands {
            organization_id: Set(ids["organizations"]),
            name: Set(format!("brands.name-{tag}")),
            slug: Set(format!("brands.slug-{tag}")),
            description: Set(Some(format!("brands.description-{tag}"))),
            main_color: Set(Some(format!("brands.main_color-{tag}"))),
            slogan: Set(Some(format!("brands.slogan-{tag}"))),
            metadata: Set(Some(json!({"table": "brands", "column": "metadata"}))),
            ..brands::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        brand_voices {
            brand_id: Set(ids["brands"]),
            embedding_space_id: Set(ids["embedding_spaces"]),
            prompt_template: Set(format!("brand_voices.prompt_template-{tag}")),
            style_rules: Set(json!({"table": "brand_voices", "column": "style_rules"})),
            embedding: Set(Some(unit_vector(1))),
            metrics: Set(Some(json!({"table": "brand_voices", "column": "metrics"}))),
            ..brand_voices::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        brand_assets {
            brand_id: Set(ids["brands"]),
            kind: Set(format!("brand_assets.kind-{tag}")),
            name: Set(format!("brand_assets.name-{tag}")),
            url: Set(Some(format!("brand_assets.url-{tag}"))),
            metadata: Set(Some(json!({"table": "brand_assets", "column": "metadata"}))),
            ..brand_assets::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        datasets {
            organization_id: Set(ids["organizations"]),
            embedding_space_id: Set(Some(ids["embedding_spaces"])),
            name: Set(format!("datasets.name-{tag}")),
            slug: Set(format!("datasets.slug-{tag}")),
            kind: Set(DatasetKind::Documents),
            description: Set(Some(format!("datasets.description-{tag}"))),
            source: Set(Some(format!("datasets.source-{tag}"))),
            metadata: Set(Some(json!({"table": "datasets", "column": "metadata"}))),
            ..datasets::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        documents {
            dataset_id: Set(Some(ids["datasets"])),
            organization_id: Set(ids["organizations"]),
            owner_id: Set(ids["users"]),
            embedding_space_id: Set(Some(ids["embedding_spaces"])),
            title: Set(format!("documents.title-{tag}")),
            content: Set(format!("documents.content-{tag}")),
            status: Set(format!("documents.status-{tag}")),
            metadata: Set(Some(json!({"table": "documents", "column": "metadata"}))),
            ..documents::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        chunks {
            dataset_id: Set(ids["datasets"]),
            document_id: Set(ids["documents"]),
            organization_id: Set(ids["organizations"]),
            embedding_space_id: Set(ids["embedding_spaces"]),
            idx: Set(3),
            text: Set(format!("chunks.text-{tag}")),
            embedding: Set(Some(unit_vector(1))),
            metadata: Set(Some(json!({"table": "chunks", "column": "metadata"}))),
            ..chunks::ActiveModel::new()
        }
    );
}
