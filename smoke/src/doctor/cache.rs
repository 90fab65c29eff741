//! Whether the HNSW graphs fit in PostgreSQL's cache (`shared_buffers`): a walk through a graph
//! larger than the cache reads its pages through the kernel's cache, a system call and a copy
//! per page, and at 1M chunks that was most of a large tenant's search time (p50 11.0 ms with
//! 512 MB against 6.3 ms with the graph held; docs/VECTOR_SEARCH.md, "ef_search follows the
//! graph").

use super::{Check, Status};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

const NAME: &str = "Vector graphs in cache";
/// Indexes listed in the details, largest first.
const LISTED: usize = 10;

/// What the check compares: `shared_buffers` and every HNSW index of the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphSizes {
    /// `shared_buffers`, bytes.
    pub shared_buffers: i64,
    /// (index name, bytes) of every HNSW index, largest first.
    pub indexes: Vec<(String, i64)>,
}

impl GraphSizes {
    /// Read them from the server `db` is connected to.
    pub async fn read(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let stmt = |sql: &str| Statement::from_string(DbBackend::Postgres, sql);
        let shared_buffers = db
            .query_one_raw(stmt(
                "SELECT pg_catalog.pg_size_bytes(pg_catalog.current_setting('shared_buffers')) \
                 AS bytes",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "bytes"))
            .transpose()?
            .unwrap_or(0);
        let rows = db
            .query_all_raw(stmt(
                "SELECT c.relname::text AS name, pg_catalog.pg_relation_size(c.oid) AS bytes \
                 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_am a ON a.oid = c.relam \
                 WHERE c.relkind = 'i' AND a.amname = 'hnsw' ORDER BY bytes DESC, name",
            ))
            .await?;
        let indexes = rows
            .iter()
            .map(|row| Ok((row.try_get("", "name")?, row.try_get("", "bytes")?)))
            .collect::<Result<_, DbErr>>()?;
        Ok(Self {
            shared_buffers,
            indexes,
        })
    }

    /// The check: passes when every graph fits in `shared_buffers` together; information when
    /// they do not together but the largest does (the graphs searched most stay resident);
    /// a warning when the largest alone does not (every walk through it reads through the
    /// kernel), saying what to raise `shared_buffers` to.
    pub fn check(&self) -> Check {
        let mb = |bytes: i64| format!("{:.0} MB", bytes as f64 / (1024.0 * 1024.0));
        let total: i64 = self.indexes.iter().map(|(_, bytes)| bytes).sum();
        let cache = mb(self.shared_buffers);
        let details = self
            .indexes
            .iter()
            .take(LISTED)
            .map(|(name, bytes)| format!("{name}: {}", mb(*bytes)))
            .collect();
        let graphs = format!("{} HNSW graphs, {}", self.indexes.len(), mb(total));
        let check = match self.indexes.first() {
            Some((name, largest)) if *largest > self.shared_buffers => Check::new(
                NAME,
                Status::Warn,
                format!(
                    "{graphs}; the largest, {name} ({}), is larger than shared_buffers \
                     ({cache}): its walks read through the kernel's cache; raise shared_buffers \
                     above it ({} holds every graph; docs/BENCHMARKS.md, \"Server settings\")",
                    mb(*largest),
                    mb(total)
                ),
            ),
            Some((name, largest)) if total > self.shared_buffers => Check::new(
                NAME,
                Status::Info,
                format!(
                    "{graphs}, more than shared_buffers ({cache}); the largest, {name} ({}), \
                     fits: the graphs searched most stay resident",
                    mb(*largest)
                ),
            ),
            _ => Check::new(
                NAME,
                Status::Pass,
                format!("{graphs}, within shared_buffers ({cache})"),
            ),
        };
        check.with_details(details)
    }
}

/// The check on the database `db` is connected to (a warning when the sizes cannot be read).
pub(super) async fn vector_cache(db: &DatabaseConnection) -> Check {
    match GraphSizes::read(db).await {
        Ok(sizes) => sizes.check(),
        Err(err) => Check::new(
            NAME,
            Status::Warn,
            format!(
                "cannot read the index sizes: {}",
                neonhub_db::describe(&err)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: i64 = 1024 * 1024;

    fn sizes(shared_buffers: i64, indexes: &[(&str, i64)]) -> GraphSizes {
        GraphSizes {
            shared_buffers: shared_buffers * MIB,
            indexes: indexes
                .iter()
                .map(|(name, mb)| ((*name).to_owned(), mb * MIB))
                .collect(),
        }
    }

    #[test]
    fn graphs_that_fit_pass_and_the_boundary_fits() {
        let c = sizes(512, &[("chunks_embedding_hnsw_idx", 300), ("m", 212)]).check();
        assert_eq!(c.status, Status::Pass, "{}", c.summary);
        assert_eq!(
            c.summary,
            "2 HNSW graphs, 512 MB, within shared_buffers (512 MB)"
        );
        assert_eq!(
            c.details,
            ["chunks_embedding_hnsw_idx: 300 MB", "m: 212 MB"]
        );
        assert_eq!(sizes(512, &[]).check().status, Status::Pass);
    }

    #[test]
    fn graphs_that_fit_one_by_one_are_information() {
        let c = sizes(6144, &[("chunks_embedding_hnsw_idx", 4096), ("t", 3275)]).check();
        assert_eq!(c.status, Status::Info, "{}", c.summary);
        assert!(
            c.summary
                .contains("the largest, chunks_embedding_hnsw_idx (4096 MB), fits")
        );
    }

    #[test]
    fn a_graph_larger_than_the_cache_is_named_with_the_size_to_reach() {
        // The scale run with the local default: the 300,000-row tenant's graph alone passes it.
        let c = sizes(512, &[("chunks_org_hnsw_x", 1172), ("y", 100)]).check();
        assert_eq!(c.status, Status::Warn, "{}", c.summary);
        assert!(
            c.summary.contains("chunks_org_hnsw_x (1172 MB)"),
            "{}",
            c.summary
        );
        assert!(
            c.summary
                .contains("raise shared_buffers above it (1272 MB holds every graph"),
            "{}",
            c.summary
        );
        assert_eq!(c.details, ["chunks_org_hnsw_x: 1172 MB", "y: 100 MB"]);
        let listed = sizes(1, &[("a", 2); 12]).check();
        assert_eq!(listed.details.len(), LISTED);
    }
}
