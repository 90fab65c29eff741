//! Citus readiness, computed from the live catalog: each table's role if the schema were
//! distributed by `organization_id` with Citus, and what blocks that today.
//!
//! Citus places each row of a distributed table on the shard of its distribution column, so
//! (from Citus's documentation on distributed tables and on reference tables):
//!
//! - a primary key or unique constraint (any unique index) of a distributed table must include
//!   the distribution column, or uniqueness could not be checked on one shard;
//! - a foreign key between two distributed tables must include the distribution column on both
//!   sides, paired (co-location), or it could point across shards;
//! - the distribution column cannot be NULL (a row without a tenant has no shard);
//! - a table without the column becomes a reference table (a copy on every node): distributed
//!   tables may reference it, but a reference table may not reference a distributed table.
//!
//! The report names each table's role (distributed by `organization_id`, reference, local) and
//! every rule a table breaks today. It is informational: the schema is not changed for it.

use neonhub_db::catalog::Catalog;
use std::collections::BTreeMap;
use std::fmt;

/// The distribution column.
pub const DISTRIBUTION_COLUMN: &str = "organization_id";

/// Tables that stay on the coordinator (bookkeeping, not application data).
pub const LOCAL_TABLES: [&str; 2] = ["seaql_migrations", "_migration_checksums"];

/// A table's role under Citus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Hash-distributed by `organization_id`, co-located with the other tenant tables.
    Distributed,
    /// Replicated to every node (no tenant column).
    Reference,
    /// Stays on the coordinator.
    Local,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Distributed => "distributed by organization_id",
            Role::Reference => "reference",
            Role::Local => "local",
        })
    }
}

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
    /// A reference table's foreign key to a distributed table.
    ReferenceToDistributed {
        /// The constraint name.
        name: String,
        /// The referenced (distributed) table.
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
            Blocker::ReferenceToDistributed { name, references } => write!(
                f,
                "foreign key {name} points at the distributed table {references} (a reference \
                 table may not)"
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

impl Readiness {
    /// Compute it from `catalog`.
    pub fn from_catalog(catalog: &Catalog) -> Self {
        let role_of = |table: &str| -> Role {
            if LOCAL_TABLES.contains(&table) {
                Role::Local
            } else if catalog
                .tables
                .get(table)
                .is_some_and(|t| t.columns.iter().any(|c| c.name == DISTRIBUTION_COLUMN))
            {
                Role::Distributed
            } else {
                Role::Reference
            }
        };
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
                if LOCAL_TABLES.contains(&fk.references.as_str())
                    || role_of(&fk.references) != Role::Distributed
                {
                    continue;
                }
                match role {
                    Role::Distributed
                        if !fk.pairs().any(|(from, to)| {
                            from == DISTRIBUTION_COLUMN && to == DISTRIBUTION_COLUMN
                        }) =>
                    {
                        blockers.push(Blocker::ForeignKeyWithoutTenant {
                            name: fk.name.clone(),
                            references: fk.references.clone(),
                        });
                    }
                    Role::Reference => blockers.push(Blocker::ReferenceToDistributed {
                        name: fk.name.clone(),
                        references: fk.references.clone(),
                    }),
                    _ => {}
                }
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
