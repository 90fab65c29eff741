//! Embeddings: the schema's vector columns are `vector(1536)`.

use sea_orm::prelude::PgVector;

/// Dimension of every embedding column (`brand_voices`, `messages`, `chunks`).
pub const EMBEDDING_DIM: usize = 1536;

/// A vector of the wrong length was offered for an embedding column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("embedding has {actual} dimensions, expected {expected}")]
pub struct DimensionError {
    /// The dimension the column takes.
    pub expected: usize,
    /// The dimension offered.
    pub actual: usize,
}

/// Build an embedding, rejecting any length other than [`EMBEDDING_DIM`].
pub fn embedding(values: impl Into<Vec<f32>>) -> Result<PgVector, DimensionError> {
    let values = values.into();
    check_dimension(values.len())?;
    Ok(PgVector::from(values))
}

/// Check a vector already built.
pub fn check(vector: &PgVector) -> Result<(), DimensionError> {
    check_dimension(vector.as_slice().len())
}

fn check_dimension(actual: usize) -> Result<(), DimensionError> {
    if actual == EMBEDDING_DIM {
        Ok(())
    } else {
        Err(DimensionError {
            expected: EMBEDDING_DIM,
            actual,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_wrong_dimension() {
        let err = embedding(vec![0.5; 3]).unwrap_err();
        assert_eq!(err.to_string(), "embedding has 3 dimensions, expected 1536");
        assert!(embedding(vec![0.5; EMBEDDING_DIM]).is_ok());
    }
}
