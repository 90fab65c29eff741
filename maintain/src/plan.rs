//! What a run would do: the tenants the policy wants indexed against the indexes present.

use crate::MaintainError;
use entity::search::tenant_index::{self, TenantIndexPolicy};
use neonhub_db::catalog::relation_exists;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use serde::Serialize;
use uuid::Uuid;

/// Why an index is rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RebuildReason {
    /// A build that failed or was interrupted left it INVALID.
    Invalid,
    /// Its definition is not the one this build makes (other parameters or predicate).
    DefinitionChanged,
}

/// Why an index is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Its tenant has no more rows than [`TenantIndexPolicy::keep_above`] (or no rows, or no
    /// longer exists).
    TenantTooSmall,
    /// Larger tenants take the [`TenantIndexPolicy::max_per_table`] places.
    OverLimit,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Build the tenant's index.
    Create {
        /// Table.
        table: String,
        /// Tenant.
        organization_id: Uuid,
        /// Its rows in the table.
        rows: u64,
        /// Index name.
        index: String,
    },
    /// Drop the index and build it again.
    Rebuild {
        /// Table.
        table: String,
        /// Tenant.
        organization_id: Uuid,
        /// Its rows in the table.
        rows: u64,
        /// Index name.
        index: String,
        /// Why.
        reason: RebuildReason,
    },
    /// Merge the rows waiting outside the graph of a table whose graph is deferred
    /// ([`tenant_index::deferred_graph`]): set `embedding_indexed` in batches, so that the
    /// table's HNSW index and the tenant indexes take them in.
    Merge {
        /// Table.
        table: String,
        /// Rows waiting when planned.
        rows: u64,
    },
    /// Drop the index.
    Drop {
        /// Table.
        table: String,
        /// Tenant.
        organization_id: Uuid,
        /// Its rows in the table (0 when it has none left).
        rows: u64,
        /// Index name.
        index: String,
        /// Why.
        reason: DropReason,
    },
}

impl Action {
    /// The index acted on (for a merge, the table's HNSW index).
    pub fn index(&self) -> String {
        match self {
            Self::Create { index, .. } | Self::Rebuild { index, .. } | Self::Drop { index, .. } => {
                index.clone()
            }
            Self::Merge { table, .. } => format!("{table}_embedding_hnsw_idx"),
        }
    }

    /// The statements that carry it out, in order (each outside a transaction).
    pub fn statements(&self) -> Vec<String> {
        match self {
            Self::Create {
                table,
                organization_id,
                ..
            } => vec![tenant_index::create_sql(table, *organization_id)],
            Self::Rebuild {
                table,
                organization_id,
                index,
                ..
            } => vec![
                tenant_index::drop_sql(index),
                tenant_index::create_sql(table, *organization_id),
            ],
            Self::Drop { index, .. } => vec![tenant_index::drop_sql(index)],
            Self::Merge { table, .. } => vec![merge_sql(table, MERGE_BATCH), count_sql(table)],
        }
    }

    /// Whether the action is a merge of waiting rows (rows inserted during a run are normal
    /// work for the next one, not a failure to converge).
    pub fn is_merge(&self) -> bool {
        matches!(self, Self::Merge { .. })
    }
}

/// Rows a merge batch sets `embedding_indexed` on: one transaction each, so a run stopped
/// half-way keeps the batches done, and row locks are held for a batch only.
pub const MERGE_BATCH: u64 = 1_000;

/// One batch of a merge: up to `batch` waiting rows of `table` (found through
/// `<table>_embedding_pending_idx`; rows locked by a writer are skipped, the next run takes
/// them) enter the graph.
pub fn merge_sql(table: &str, batch: u64) -> String {
    let column = tenant_index::GRAPH_COLUMN;
    format!(
        "UPDATE {table} SET {column} = true WHERE id IN (SELECT id FROM {table} \
         WHERE NOT {column} AND embedding IS NOT NULL LIMIT {batch} FOR UPDATE SKIP LOCKED)"
    )
}

/// What a merge ends with: `ANALYZE <table> (organization_id)`, which counts again the rows of
/// the table's graphs (`pg_class.reltuples` of its HNSW indexes, the table's and every
/// tenant's: a sample of the table and the share of it each partial index's predicate
/// holds). A walk through a graph keeps one candidate per
/// [`entity::search::GRAPH_ROWS_PER_CANDIDATE`] of those rows: without it, a graph that grew
/// by merges would be walked as its size was at its build or at autovacuum's last `ANALYZE`
/// (after 10% of the table changed). One column keeps it cheap (the sample is read either way;
/// the vectors are not analysed), and the tenant column's statistics are the ones the
/// searches' plans use.
pub fn count_sql(table: &str) -> String {
    format!("ANALYZE {table} (organization_id)")
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Create { index, rows, .. } => write!(f, "create {index} ({rows} rows)"),
            Self::Merge { table, rows } => {
                write!(f, "merge {rows} waiting rows of {table} into its graph")
            }
            Self::Rebuild {
                index,
                rows,
                reason,
                ..
            } => {
                let why = match reason {
                    RebuildReason::Invalid => "INVALID",
                    RebuildReason::DefinitionChanged => "definition changed",
                };
                write!(f, "rebuild {index} ({rows} rows; {why})")
            }
            Self::Drop {
                index,
                rows,
                reason,
                ..
            } => {
                let why = match reason {
                    DropReason::TenantTooSmall => "tenant too small",
                    DropReason::OverLimit => "larger tenants take the places",
                };
                write!(f, "drop {index} ({rows} rows; {why})")
            }
        }
    }
}

/// A tenant index that stays as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// Table.
    pub table: String,
    /// Tenant.
    pub organization_id: Uuid,
    /// Its rows in the table.
    pub rows: u64,
    /// Index name.
    pub index: String,
    /// Index size on disk, bytes.
    pub bytes: i64,
}

/// A tenant the policy wants indexed that gets no index: the table's cap
/// ([`TenantIndexPolicy::max_per_table`]) is taken by larger tenants. Its searches walk the
/// filtered table graph (low recall, slow) until the cap is raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverCap {
    /// The table.
    pub table: String,
    /// The tenant.
    pub organization_id: Uuid,
    /// Its rows in the table.
    pub rows: u64,
}

/// What a run would do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The policy applied.
    pub policy: TenantIndexPolicy,
    /// Actions, in the order they run: merges, drops, rebuilds, creations (largest tenant
    /// first).
    pub actions: Vec<Action>,
    /// Indexes that stay.
    pub kept: Vec<Kept>,
    /// Tenants above the threshold left without an index by the cap.
    pub over_cap: Vec<OverCap>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }
}

/// One index of a table whose name has the tenant-index prefix.
struct Existing {
    name: String,
    organization_id: Uuid,
    valid: bool,
    definition: String,
    bytes: i64,
}

async fn tenant_rows<C: ConnectionTrait>(
    db: &C,
    table: &str,
    above: u64,
) -> Result<Vec<(Uuid, u64)>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT organization_id, count(*) AS n FROM {table} \
                 GROUP BY organization_id HAVING count(*) > $1 \
                 ORDER BY count(*) DESC, organization_id"
            ),
            [i64::try_from(above).unwrap_or(i64::MAX).into()],
        ))
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<Uuid>("", "organization_id")?,
                u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0),
            ))
        })
        .collect()
}

async fn tenant_count<C: ConnectionTrait>(
    db: &C,
    table: &str,
    organization_id: Uuid,
) -> Result<u64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT count(*) AS n FROM {table} WHERE organization_id = $1"),
            [organization_id.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("count returned no row".into()))?;
    Ok(u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0))
}

/// Rows of `table` waiting outside its graph: with an embedding, not merged (through the
/// partial B-tree over them).
async fn waiting_rows<C: ConnectionTrait>(db: &C, table: &str) -> Result<u64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT count(*) AS n FROM {table} WHERE NOT {} AND embedding IS NOT NULL",
                tenant_index::GRAPH_COLUMN
            ),
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("count returned no row".into()))?;
    Ok(u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0))
}

async fn existing_indexes<C: ConnectionTrait>(db: &C, table: &str) -> Result<Vec<Existing>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT c.relname::text AS name, i.indisvalid AS valid, \
                    pg_get_indexdef(i.indexrelid) AS definition, \
                    pg_relation_size(i.indexrelid) AS bytes \
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE i.indrelid = to_regclass($1) AND starts_with(c.relname::text, $2) \
             ORDER BY c.relname",
            [table.into(), tenant_index::name_prefix(table).into()],
        ))
        .await?;
    let mut found = Vec::new();
    for row in &rows {
        let name: String = row.try_get("", "name")?;
        // Only names this module makes: another index that merely shares the prefix is not
        // ours to drop.
        if let Some(organization_id) = tenant_index::parse_index_name(table, &name) {
            found.push(Existing {
                name,
                organization_id,
                valid: row.try_get("", "valid")?,
                definition: row.try_get("", "definition")?,
                bytes: row.try_get("", "bytes")?,
            });
        }
    }
    Ok(found)
}

/// What a run would do now: for every table of [`tenant_index::tables`], the tenants the
/// policy wants indexed (largest first, at most `max_per_table`) against the indexes present.
pub async fn plan<C: ConnectionTrait>(
    db: &C,
    policy: &TenantIndexPolicy,
) -> Result<Plan, MaintainError> {
    policy.validate().map_err(MaintainError::Policy)?;
    let (mut merges, mut drops, mut rebuilds, mut creates, mut kept) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut over_cap = Vec::new();
    for table in tenant_index::tables() {
        let exists = relation_exists(db, table).await?;
        if !exists {
            return Err(MaintainError::NotMigrated(table.to_owned()));
        }
        if tenant_index::deferred_graph(table) {
            let rows = waiting_rows(db, table).await?;
            if rows > 0 {
                merges.push(Action::Merge {
                    table: table.to_owned(),
                    rows,
                });
            }
        }
        let counts = tenant_rows(db, table, policy.keep_above).await?;
        let existing = existing_indexes(db, table).await?;
        let has_index = |org: Uuid| existing.iter().any(|e| e.organization_id == org);
        let mut wanted: Vec<(Uuid, u64)> = counts
            .iter()
            .copied()
            .filter(|&(org, rows)| policy.wants(rows, has_index(org)))
            .collect();
        // Tenants the cap leaves out: reported, and their indexes (if any) dropped.
        let left_out: Vec<OverCap> = wanted
            .iter()
            .skip(policy.max_per_table)
            .map(|&(organization_id, rows)| OverCap {
                table: table.to_owned(),
                organization_id,
                rows,
            })
            .collect();
        wanted.truncate(policy.max_per_table);
        for &(organization_id, rows) in &wanted {
            let index = tenant_index::index_name(table, organization_id);
            match existing
                .iter()
                .find(|e| e.organization_id == organization_id)
            {
                None => creates.push(Action::Create {
                    table: table.to_owned(),
                    organization_id,
                    rows,
                    index,
                }),
                Some(e) if !e.valid => rebuilds.push(Action::Rebuild {
                    table: table.to_owned(),
                    organization_id,
                    rows,
                    index,
                    reason: RebuildReason::Invalid,
                }),
                Some(e)
                    if !tenant_index::definition_matches(table, &e.definition, organization_id) =>
                {
                    rebuilds.push(Action::Rebuild {
                        table: table.to_owned(),
                        organization_id,
                        rows,
                        index,
                        reason: RebuildReason::DefinitionChanged,
                    })
                }
                Some(e) => kept.push(Kept {
                    table: table.to_owned(),
                    organization_id,
                    rows,
                    index,
                    bytes: e.bytes,
                }),
            }
        }
        for e in &existing {
            if wanted.iter().any(|&(org, _)| org == e.organization_id) {
                continue;
            }
            let rows = match counts.iter().find(|&&(org, _)| org == e.organization_id) {
                Some(&(_, rows)) => rows,
                None => tenant_count(db, table, e.organization_id).await?,
            };
            let reason = if left_out
                .iter()
                .any(|o| o.organization_id == e.organization_id)
            {
                DropReason::OverLimit
            } else {
                DropReason::TenantTooSmall
            };
            drops.push(Action::Drop {
                table: table.to_owned(),
                organization_id: e.organization_id,
                rows,
                index: e.name.clone(),
                reason,
            });
        }
        over_cap.extend(left_out);
    }
    let rows_of = |a: &Action| match a {
        Action::Create { rows, .. }
        | Action::Rebuild { rows, .. }
        | Action::Drop { rows, .. }
        | Action::Merge { rows, .. } => *rows,
    };
    creates.sort_by_key(|a| std::cmp::Reverse(rows_of(a)));
    // Merges first: the indexes built afterwards then hold every row.
    let mut actions = merges;
    actions.extend(drops);
    actions.extend(rebuilds);
    actions.extend(creates);
    Ok(Plan {
        policy: *policy,
        actions,
        kept,
        over_cap,
    })
}
