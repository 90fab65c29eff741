//! SeaORM 2 entities of the NeonHub database: 51 tables, 9 Postgres enums, pgvector embeddings.
//!
//! ```no_run
//! use entity::prelude::*;
//! use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
//!
//! # async fn demo(db: &DatabaseConnection) -> Result<(), Box<dyn std::error::Error>> {
//! // New rows get a time-ordered UUIDv7 id from Rust; `updated_at` is kept by a trigger.
//! let org = organizations::ActiveModel {
//!     slug: Set("acme".into()),
//!     name: Set("Acme".into()),
//!     ..organizations::ActiveModel::new()
//! }
//! .insert(db)
//! .await?;
//! let embedding = entity::vector::embedding(vec![0.0; entity::vector::EMBEDDING_DIM])?;
//! # let _ = (org, embedding);
//! let all = Organizations::find().all(db).await?;
//! # let _ = all;
//! # Ok(()) }
//! ```
//!
//! The crate depends on SeaORM (with the Postgres driver), serde and a few value types only:
//! no CLI, no runtime choice beyond SeaORM's own, nothing that runs at import.
//! [`secrets`] seals the secret columns and hashes API keys and tokens; [`tenant`] runs work as
//! one organization under the database's row-level security; [`auth`] finds a session, an API key
//! or a sign-in token before a tenant is known. [`search`] finds the nearest
//! chunks, messages or brand voices of one organization by cosine distance (exact or HNSW).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod auth;
// A model field is its column: named as the column, documented once in docs/SCHEMA.md (generated
// from this registry), so the fields carry a doc comment only where the column has a rule to say.
#[allow(missing_docs)]
pub mod entities;
pub mod enums;
pub mod prelude;
pub mod registry;
pub mod search;
pub mod secrets;
pub mod tenant;
pub mod vector;

pub use entities::*;

/// Implement `ActiveModelBehavior` for an entity whose primary key is `id uuid`: new active
/// models start with a UUIDv7 id (time-ordered, good B-tree locality), and `save`/`insert` of
/// a model whose id was left unset fill one in.
#[doc(hidden)]
#[macro_export]
macro_rules! uuid_v7_primary_key {
    () => {
        #[async_trait::async_trait]
        impl ActiveModelBehavior for ActiveModel {
            fn new() -> Self {
                Self {
                    id: sea_orm::ActiveValue::Set(Uuid::now_v7()),
                    ..<Self as sea_orm::ActiveModelTrait>::default()
                }
            }

            async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, DbErr>
            where
                C: ConnectionTrait,
            {
                if insert && self.id.is_not_set() {
                    self.id = sea_orm::ActiveValue::Set(Uuid::now_v7());
                }
                Ok(self)
            }
        }
    };
}

/// Declare the entity modules and the table registry in one place (see `entities/mod.rs`).
#[doc(hidden)]
#[macro_export]
macro_rules! entities {
    ($($domain:literal => [$($table:ident: $alias:ident),* $(,)?]),* $(,)?) => {
        $($(pub mod $table;)*)*

        /// Every entity under its prelude name, e.g. `Users` for `users::Entity`.
        pub mod aliases {
            $($(pub use super::$table::Entity as $alias;)*)*
        }

        /// Every table of the schema, in domain order.
        pub(crate) static TABLES: &[$crate::registry::TableInfo] = &[
            $($($crate::registry::TableInfo::new::<$table::Entity>($domain, stringify!($table)),)*)*
        ];
    };
}
