//! `prisma/schema.prisma`, generated (`make prisma-schema`): the Prisma schema of the NeonHub
//! database for the TypeScript API (`clients/ts`), never edited by hand.
//!
//! **Source: the schema the migrations produce, as the live catalog renders it**
//! (`migration::EXPECTED_SCHEMA`, `migration/tests/expected_schema.txt`: `Catalog::render` of a
//! migrated database, which the conformance test holds equal to one). Not the entity registry:
//! it has neither the composite tenant keys (`(conversation_id, organization_id) REFERENCES
//! conversations (id, organization_id)`) nor the unique keys and indexes that Prisma's
//! relations and `findUnique` need. Not a developer's database either: generation needs none,
//! and its output cannot depend on what one holds (a migration not applied yet, the tenant HNSW
//! indexes `vector-maintain` builds). The test that regenerates the file also generates it from
//! the live catalog of a freshly migrated database and finds the same text.
//!
//! Names come from the checked-in map `prisma/names.toml` and the rules of [`names`]. What Prisma
//! cannot express is left out of the models and noted in them (`//` comments, `///` docs the
//! generated client shows): row-level security and the application's rights, triggers, CHECK
//! constraints, expression, partial and HNSW indexes, `NULLS NOT DISTINCT`, and `ON DELETE SET
//! NULL (column)` of the composite tenant keys (their relations carry no `onDelete`: Prisma
//! would warn that `SetNull` cannot apply to the required tenant column). Prisma never migrates
//! this database; the header says so.

mod columns;
mod names;
mod relations;
mod render;
pub mod search_shape;
mod snapshot;

pub use names::Names;
pub use snapshot::{Snapshot, parse};

/// Where the schema is written, from the workspace root.
pub const SCHEMA_PATH: &str = "prisma/schema.prisma";
/// Where the name map is read, from the workspace root.
pub const NAMES_PATH: &str = "prisma/names.toml";
/// The checked-in name map (compiled in, so that the schema test sees the committed one).
pub const NAMES: &str = include_str!("../../../prisma/names.toml");
/// Where the generated client goes, relative to the schema file (git-ignored).
pub const CLIENT_OUTPUT: &str = "../clients/ts/generated/prisma";

/// Why the schema could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum PrismaError {
    /// A line of the snapshot that is not in `Catalog::render`'s form.
    #[error("schema snapshot line {line} is not understood: {text}")]
    Snapshot {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
    /// The name map is not valid TOML of the expected shape.
    #[error("prisma/names.toml: {0}")]
    Names(String),
    /// A column type the generator has no Prisma type for.
    #[error(
        "{table}.{column}: no Prisma type for the column type {data_type}: add it to smoke/src/prisma/render.rs"
    )]
    UnknownType {
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// Its type.
        data_type: String,
    },
    /// Two fields of a model would have the same name, or a name map entry names nothing.
    #[error("{0}")]
    Conflict(String),
}

/// The Prisma schema of the schema `snapshot` (in `Catalog::render`'s form) with the names of
/// `names` (`prisma/names.toml`'s text).
///
/// # Errors
/// [`PrismaError`]: an unreadable snapshot or name map, a column type without a Prisma
/// equivalent, a name clash, or a name map entry that names nothing.
pub fn render(snapshot: &str, names: &str) -> Result<String, PrismaError> {
    let snapshot = parse(snapshot)?;
    let names = Names::parse(names)?;
    let stale = names.stale(&snapshot);
    if !stale.is_empty() {
        return Err(PrismaError::Conflict(stale.join("; ")));
    }
    render::schema(&snapshot, &names)
}

/// [`render`] of the migrations' schema (`migration::EXPECTED_SCHEMA`) with the checked-in
/// names: what `make prisma-schema` writes.
///
/// # Errors
/// As [`render`].
pub fn render_migrated() -> Result<String, PrismaError> {
    render(migration::EXPECTED_SCHEMA, NAMES)
}

/// Every file `make prisma-schema` writes, as (path from the workspace root, content): the
/// schema, and what the TypeScript search needs from `entity::search`
/// ([`search_shape::SHAPE_PATH`], [`search_shape::SAMPLES_PATH`]).
///
/// # Errors
/// As [`render`].
pub fn generated_files() -> Result<Vec<(&'static str, String)>, PrismaError> {
    let names = Names::parse(NAMES)?;
    Ok(vec![
        (SCHEMA_PATH, render_migrated()?),
        (search_shape::SHAPE_PATH, search_shape::shape(&names)),
        (search_shape::SAMPLES_PATH, search_shape::samples()),
    ])
}
