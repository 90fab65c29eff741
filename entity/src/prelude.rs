//! `use entity::prelude::*;` brings every entity (as `Users`, `Organizations`, ...), every
//! active enum, the table modules and the embedding helpers into scope.

pub use crate::entities::aliases::*;
pub use crate::entities::*;
pub use crate::enums::*;
pub use crate::vector::{DimensionError, EMBEDDING_DIM, embedding};
pub use sea_orm::ActiveModelBehavior as _;
