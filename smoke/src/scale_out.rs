//! Citus readiness, computed from the live catalog: each table's role under Citus and what
//! keeps it from that role.
//!
//! Citus places each row of a distributed table on the shard of its distribution column, so
//! (from Citus's documentation on distributed tables and on reference tables, and measured on
//! the local cluster: docs/SCALE_OUT.md):
//!
//! - a primary key or unique constraint (any unique index) of a distributed table must include
//!   the distribution column, or uniqueness could not be checked on one shard;
//! - a foreign key between two distributed tables must include the distribution column on both
//!   sides, paired (co-location), or it could point across shards; and a foreign key holding
//!   the distribution column may not be `ON DELETE SET NULL` / `SET DEFAULT`, even with a
//!   column list that leaves the distribution column alone;
//! - the distribution column cannot be NULL (a row without a tenant has no shard);
//! - distributed tables may reference reference tables, but a reference table may not reference
//!   a distributed one, and a table of the coordinator only (a Citus local table) may reference
//!   reference tables and nothing else may reference it but other local tables.
//!
//! [`Readiness::planned`] applies the roles NeonHub decided (`migration::distribution`, what
//! doctor reports); [`Readiness::from_catalog`] a generic rule (a table with `organization_id`
//! is distributed, any other a reference table) for schemas without a plan.

use neonhub_db::catalog::{Catalog, ForeignKey};
use std::collections::BTreeMap;
use std::fmt;

pub use migration::distribution::{DISTRIBUTION_COLUMN, Role};

/// Tables that stay on the coordinator under the generic rule of [`Readiness::from_catalog`]
/// (bookkeeping, not application data).
pub const LOCAL_TABLES: [&str; 2] = ["seaql_migrations", "_migration_checksums"];

/// What keeps a table from its role today.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Blocker {
    /// `organization_id` allows NULL.
    NullableTenant,
    /// A primary key, unique constraint or unique index without `organization_id`.
    UniqueWithoutTenant {
        /// The index (or constraint) name.
        name: String,
        /// Its key columns.
        columns: Vec<String>,
    },
    /// A foreign key to a distributed table without `organization_id` paired on both sides.
    ForeignKeyWithoutTenant {
        /// The constraint name.
        name: String,
        /// The referenced table.
        references: String,
    },
    /// A foreign key holding `organization_id` whose ON DELETE action sets columns to NULL
    /// (or their default): Citus refuses it even when only other columns are set.
    ForeignKeySetsNull {
        /// The constraint name.
        name: String,
        /// The ON DELETE rule.
        on_delete: String,
    },
    /// A reference table's foreign key to a distributed table.
    ReferenceToDistributed {
        /// The constraint name.
        name: String,
        /// The referenced (distributed) table.
        references: String,
    },
    /// A foreign key between a table on every node (distributed or reference) and a table of
    /// the coordinator only, either way: Citus allows only local → reference.
    AcrossLocal {
        /// The constraint name.
        name: String,
        /// The referenced table.
        references: String,
    },
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocker::NullableTenant => {
                write!(
                    f,
                    "organization_id is nullable (a row without a tenant has no shard)"
                )
            }
            Blocker::UniqueWithoutTenant { name, columns } => write!(
                f,
                "unique key {name} ({}) does not include organization_id",
                columns.join(", ")
            ),
            Blocker::ForeignKeyWithoutTenant { name, references } => write!(
                f,
                "foreign key {name} to {references} does not pair organization_id on both sides"
            ),
            Blocker::ForeignKeySetsNull { name, on_delete } => write!(
                f,
                "foreign key {name} holds organization_id and is ON DELETE {on_delete} (Citus \
                 refuses SET NULL and SET DEFAULT there)"
            ),
            Blocker::ReferenceToDistributed { name, references } => write!(
                f,
                "foreign key {name} points at the distributed table {references} (a reference \
                 table may not)"
            ),
            Blocker::AcrossLocal { name, references } => write!(
                f,
                "foreign key {name} to {references} links a coordinator-only table with one on \
                 every node (only local → reference is allowed)"
            ),
        }
    }
}

/// The report: per table, its role and blockers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readiness {
    /// Table name to (role, blockers), sorted.
    pub tables: BTreeMap<String, (Role, Vec<Blocker>)>,
}

fn has_column(catalog: &Catalog, table: &str, column: &str) -> bool {
    catalog
        .tables
        .get(table)
        .is_some_and(|t| t.columns.iter().any(|c| c.name == column))
}

impl Readiness {
    /// Compute it from `catalog` by the generic rule: a table with `organization_id` is
    /// distributed, [`LOCAL_TABLES`] stay on the coordinator, every other table is a reference
    /// table.
    pub fn from_catalog(catalog: &Catalog) -> Self {
        Self::with_roles(catalog, |table| {
            if LOCAL_TABLES.contains(&table) {
                Role::Local
            } else if has_column(catalog, table, DISTRIBUTION_COLUMN) {
                Role::Distributed
            } else {
                Role::Reference
            }
        })
    }

    /// Compute it from `catalog` with the roles NeonHub decided
    /// (`migration::distribution`): what the doctor reports.
    pub fn planned(catalog: &Catalog) -> Self {
        Self::with_roles(catalog, |table| {
            let tenant = catalog.tables.get(table).is_some_and(|t| {
                t.columns
                    .iter()
                    .any(|c| c.name == DISTRIBUTION_COLUMN && c.not_null)
            });
            // A nullable tenant column still asks for distribution unless the plan says
            // otherwise: the report then names it.
            let nullable_tenant = has_column(catalog, table, DISTRIBUTION_COLUMN);
            migration::distribution::role(table, tenant || nullable_tenant)
        })
    }

    /// Compute it from `catalog`, each table's role from `role_of`.
    pub fn with_roles(catalog: &Catalog, role_of: impl Fn(&str) -> Role) -> Self {
        let mut tables = BTreeMap::new();
        for (name, table) in &catalog.tables {
            let role = role_of(name);
            let mut blockers = Vec::new();
            if role == Role::Distributed {
                if table
                    .columns
                    .iter()
                    .any(|c| c.name == DISTRIBUTION_COLUMN && !c.not_null)
                {
                    blockers.push(Blocker::NullableTenant);
                }
                for (table_name, index, keys) in &catalog.index_keys {
                    if table_name == name
                        && table.unique_indexes.get(index) == Some(&true)
                        && !keys.iter().any(|k| k == DISTRIBUTION_COLUMN)
                    {
                        blockers.push(Blocker::UniqueWithoutTenant {
                            name: index.clone(),
                            columns: keys.clone(),
                        });
                    }
                }
            }
            for fk in catalog.foreign_keys.iter().filter(|fk| &fk.table == name) {
                blockers.extend(foreign_key_blocker(fk, role, role_of(&fk.references)));
            }
            blockers.sort();
            tables.insert(name.clone(), (role, blockers));
        }
        Self { tables }
    }
    /// How many tables have `role`.
    pub fn count(&self, role: Role) -> usize {
        self.tables.values().filter(|(r, _)| *r == role).count()
    }

    /// Every blocker, as (table, blocker).
    pub fn blockers(&self) -> impl Iterator<Item = (&str, &Blocker)> {
        self.tables
            .iter()
            .flat_map(|(t, (_, b))| b.iter().map(move |b| (t.as_str(), b)))
    }

    /// One line: tables per role and blockers.
    pub fn summary(&self) -> String {
        let blocked = self.tables.values().filter(|(_, b)| !b.is_empty()).count();
        format!(
            "{} distributed by organization_id, {} reference, {} local; {} blockers in {blocked} \
             tables",
            self.count(Role::Distributed),
            self.count(Role::Reference),
            self.count(Role::Local),
            self.blockers().count()
        )
    }
}

/// What keeps foreign key `fk` of a table of role `from` to a table of role `to`.
fn foreign_key_blocker(fk: &ForeignKey, from: Role, to: Role) -> Option<Blocker> {
    let paired = fk
        .pairs()
        .any(|(a, b)| a == DISTRIBUTION_COLUMN && b == DISTRIBUTION_COLUMN);
    if from == Role::Distributed
        && fk.columns.iter().any(|c| c == DISTRIBUTION_COLUMN)
        && matches!(fk.on_delete.as_str(), "SET NULL" | "SET DEFAULT")
    {
        return Some(Blocker::ForeignKeySetsNull {
            name: fk.name.clone(),
            on_delete: fk.on_delete.clone(),
        });
    }
    match (from, to) {
        (Role::Distributed, Role::Distributed) if !paired => {
            Some(Blocker::ForeignKeyWithoutTenant {
                name: fk.name.clone(),
                references: fk.references.clone(),
            })
        }
        (Role::Reference, Role::Distributed) => Some(Blocker::ReferenceToDistributed {
            name: fk.name.clone(),
            references: fk.references.clone(),
        }),
        (Role::Distributed | Role::Reference, Role::Local) | (Role::Local, Role::Distributed) => {
            Some(Blocker::AcrossLocal {
                name: fk.name.clone(),
                references: fk.references.clone(),
            })
        }
        _ => None,
    }
}
