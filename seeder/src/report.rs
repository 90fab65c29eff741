//! What a seed did, per table: rows created, updated (brought back to their fixture) and
//! unchanged. Printed as a table for people and serialised as JSON for machines.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The outcome of one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableReport {
    /// Table name.
    pub table: String,
    /// Rows inserted.
    pub created: u64,
    /// Rows that existed with other values and were brought back to their fixture.
    pub updated: u64,
    /// Rows that already matched their fixture and were not touched.
    pub unchanged: u64,
}

/// The outcome of a seed (or, for a dry run, what a seed would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedReport {
    /// Whether the seed was rolled back on purpose (`--dry-run`): the counts say what a real
    /// run would write.
    pub dry_run: bool,
    /// Rows inserted, all tables.
    pub created: u64,
    /// Rows brought back to their fixture, all tables.
    pub updated: u64,
    /// Rows left as they were, all tables.
    pub unchanged: u64,
    /// Wall time of the seed, in milliseconds (lock wait included).
    pub elapsed_ms: u64,
    /// Per table, in write order.
    pub tables: Vec<TableReport>,
}

/// What happened to one fixture row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl SeedReport {
    /// An empty report listing `tables` in order.
    pub(crate) fn new(dry_run: bool, tables: &[&str]) -> Self {
        Self {
            dry_run,
            created: 0,
            updated: 0,
            unchanged: 0,
            elapsed_ms: 0,
            tables: tables
                .iter()
                .map(|t| TableReport {
                    table: (*t).to_owned(),
                    created: 0,
                    updated: 0,
                    unchanged: 0,
                })
                .collect(),
        }
    }

    /// Count one row of `table`.
    pub(crate) fn record(&mut self, table: &str, outcome: Outcome) {
        let (total, entry) = match outcome {
            Outcome::Created => (&mut self.created, 0),
            Outcome::Updated => (&mut self.updated, 1),
            Outcome::Unchanged => (&mut self.unchanged, 2),
        };
        *total += 1;
        if let Some(t) = self.tables.iter_mut().find(|t| t.table == table) {
            *[&mut t.created, &mut t.updated, &mut t.unchanged][entry] += 1;
        }
    }

    /// The entry of `table`, if the seed writes it.
    pub fn table(&self, table: &str) -> Option<&TableReport> {
        self.tables.iter().find(|t| t.table == table)
    }

    /// Whether the seed wrote (or, dry, would write) anything.
    pub fn changed(&self) -> bool {
        self.created + self.updated > 0
    }

    /// One-line summary, e.g. `0 created, 0 updated, 131 unchanged`.
    pub fn summary(&self) -> String {
        format!(
            "{} created, {} updated, {} unchanged",
            self.created, self.updated, self.unchanged
        )
    }
}

impl fmt::Display for SeedReport {
    /// The per-table summary as an aligned text table, totals last.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .tables
            .iter()
            .map(|t| t.table.len())
            .max()
            .unwrap_or(0)
            .max("table".len());
        let (created, updated) = if self.dry_run {
            ("would create", "would update")
        } else {
            ("created", "updated")
        };
        writeln!(
            f,
            "{:width$}  {created:>12}  {updated:>12}  {:>9}",
            "table", "unchanged"
        )?;
        for t in &self.tables {
            writeln!(
                f,
                "{:width$}  {:>12}  {:>12}  {:>9}",
                t.table, t.created, t.updated, t.unchanged
            )?;
        }
        write!(
            f,
            "{:width$}  {:>12}  {:>12}  {:>9}",
            "total", self.created, self.updated, self.unchanged
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_renders() {
        let mut r = SeedReport::new(false, &["organizations", "users"]);
        r.record("organizations", Outcome::Created);
        r.record("users", Outcome::Unchanged);
        r.record("users", Outcome::Updated);
        assert_eq!(r.summary(), "1 created, 1 updated, 1 unchanged");
        assert!(r.changed());
        assert_eq!(r.table("users").unwrap().updated, 1);
        let text = r.to_string();
        assert!(text.lines().next().unwrap().contains("unchanged"), "{text}");
        assert!(text.lines().last().unwrap().starts_with("total"), "{text}");
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<SeedReport>(&json).unwrap(), r);
    }
}
