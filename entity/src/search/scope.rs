//! Where a search looks: the organization (or the whole table) and the table, optionally
//! narrowed to a dataset, conversation or brand.

use super::tenant_index;
use crate::{brand_voices, chunks, messages};
use sea_orm::{ColumnTrait, EntityTrait, IdenStatic, Iterable};
use uuid::Uuid;

/// Which rows a search considers: one organization's (what backend code always wants) or the
/// whole table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The rows of one organization.
    Organization(Uuid),
    /// Every row of the table: platform-wide jobs run by the owner role (under row-level
    /// security, the app role still sees only its tenant's rows, through a filter on the
    /// table's index: search as [`Scope::Organization`] there).
    All,
}

impl From<Uuid> for Scope {
    fn from(organization_id: Uuid) -> Self {
        Self::Organization(organization_id)
    }
}

impl Scope {
    /// The organization, if the scope is one.
    pub fn organization(self) -> Option<Uuid> {
        match self {
            Self::Organization(id) => Some(id),
            Self::All => None,
        }
    }
}

/// What is searched: the table, and optionally a narrower scope inside the organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// `chunks` of the organization, optionally of one dataset.
    Chunks {
        /// Only this dataset's chunks.
        dataset_id: Option<Uuid>,
    },
    /// `messages` of the organization, optionally of one conversation.
    Messages {
        /// Only this conversation's messages.
        conversation_id: Option<Uuid>,
    },
    /// `brand_voices` of the organization's brands, optionally of one brand.
    BrandVoices {
        /// Only this brand's voices.
        brand_id: Option<Uuid>,
    },
}

impl Target {
    /// The table searched.
    pub fn table(&self) -> &'static str {
        match self {
            Self::Chunks { .. } => "chunks",
            Self::Messages { .. } => "messages",
            Self::BrandVoices { .. } => "brand_voices",
        }
    }

    /// The narrowing id (dataset, conversation or brand), if any.
    pub fn within(&self) -> Option<Uuid> {
        match *self {
            Self::Chunks { dataset_id } => dataset_id,
            Self::Messages { conversation_id } => conversation_id,
            Self::BrandVoices { brand_id } => brand_id,
        }
    }

    /// The select list of the table's entity (enum columns cast to text, as SeaORM reads them).
    pub(super) fn columns(&self) -> String {
        match self {
            Self::Chunks { .. } => select_list::<chunks::Entity>(),
            Self::Messages { .. } => select_list::<messages::Entity>(),
            Self::BrandVoices { .. } => select_list::<brand_voices::Entity>(),
        }
    }

    /// The name of the tenant index of `organization_id` on this table, if the table has
    /// tenant indexes ([`tenant_index::tables`]).
    pub fn tenant_index_name(&self, organization_id: Uuid) -> Option<String> {
        tenant_index::tables()
            .contains(&self.table())
            .then(|| tenant_index::index_name(self.table(), organization_id))
    }

    /// The `WHERE` condition selecting the scope. `$2` is the organization (not referenced for
    /// [`Scope::All`]), `$4` the narrowing id.
    pub(super) fn scope_condition(&self, scope: Scope) -> String {
        let column = match self {
            Self::Chunks { .. } => "dataset_id",
            Self::Messages { .. } => "conversation_id",
            Self::BrandVoices { .. } => "brand_id",
        };
        let mut parts = Vec::new();
        if scope != Scope::All {
            // Every searchable table carries its tenant (brand voices since 2026-12-03).
            parts.push("t.organization_id = $2".into());
        }
        if self.within().is_some() {
            parts.push(format!("t.{column} = $4"));
        }
        if parts.is_empty() {
            "TRUE".into()
        } else {
            parts.join(" AND ")
        }
    }
}

/// `t."col", ...` for every column of `E`, enum columns cast to text (SeaORM reads enums as
/// text).
fn select_list<E: EntityTrait>() -> String {
    E::Column::iter()
        .map(|column| {
            let name = column.as_str();
            if column.enum_type_name().is_some() {
                format!("t.\"{name}\"::text AS \"{name}\"")
            } else {
                format!("t.\"{name}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
