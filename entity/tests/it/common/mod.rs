//! Generated once from the schema and kept by hand: one row of every table, linked by real
//! foreign keys, inserted through the entities and read back.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use entity::prelude::*;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use uuid::Uuid;

#[allow(dead_code)]
pub mod rls;

/// A fixed timestamp with microsecond precision (what Postgres stores).
pub fn ts() -> DateTime<FixedOffset> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
        .unwrap()
        .fixed_offset()
}

/// A deterministic unit vector of the embedding dimension, distinct for each `seed`.
pub fn unit_vector(seed: usize) -> pgvector::Vector {
    let mut v = vec![0.0f32; EMBEDDING_DIM];
    v[seed % EMBEDDING_DIM] = 1.0;
    embedding(v).expect("right dimension")
}

/// Ids of the rows made by [`one_of_each`], by table (composite keys are left out).
pub type Ids = BTreeMap<&'static str, Uuid>;

/// Insert one row through its entity, check that it reads back equal, record its id under the
/// table's name and return the model.
macro_rules! row {
    ($db:expr, $ids:expr, $table:ident { $($field:tt)* }) => {{
        let model = $table::ActiveModel { $($field)* }
            .insert($db)
            .await
            .expect(concat!("insert ", stringify!($table)));
        let back = $table::Entity::find_by_id(model.id)
            .one($db)
            .await
            .expect(concat!("read back ", stringify!($table)));
        assert_eq!(back.as_ref(), Some(&model), concat!(stringify!($table), " reads back"));
        $ids.insert(stringify!($table), model.id);
        model
    }};
}

mod agents;
mod campaigns;
mod connectors;
mod identity;
mod knowledge;
mod operations;

/// Insert one row into every table (all columns set, nullable ones too) under `tag`, check each
/// reads back equal, and return the ids.
pub async fn one_of_each(db: &DatabaseConnection, tag: &str) -> Ids {
    let mut ids = Ids::new();
    identity::insert(db, tag, &mut ids).await;
    knowledge::insert(db, tag, &mut ids).await;
    connectors::insert(db, tag, &mut ids).await;
    agents::insert(db, tag, &mut ids).await;
    campaigns::insert(db, tag, &mut ids).await;
    operations::insert(db, tag, &mut ids).await;
    ids
}
