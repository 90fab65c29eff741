//! GDPR erasure: a person leaves and asks to be forgotten, without taking their team's data.
//!
//! What a user's foreign keys mean is read from the catalog (each foreign key to `users` with
//! its ON DELETE rule), not from a hand list:
//!
//! - a column named `user_id` is the person's own row (membership, session, account, settings,
//!   connector authorisation, subscription…): deleted with them (ON DELETE CASCADE);
//! - any other column (`owner_id`, `created_by_id`, `author_id`, …) marks authorship. Where the
//!   rule is CASCADE and the row belongs to an organization (`organization_id` set), deleting
//!   the user would delete **organization data** (documents and their chunks, campaigns and
//!   their metrics, API keys, tasks, drafts): erasure refuses, listing them, unless
//!   `reassign_to` names an active member of each of those organizations (the rows are given to
//!   them) or `delete_owned` says the data is personal and may go. Where the rule is SET NULL
//!   (messages, content, conversations…) the row stays with no author.
//! - audit entries stay, scrubbed through the database's privileged `audit_logs_scrub_user()`:
//!   actor and `ip` set to NULL, the person-identifying `metadata` keys ([`PERSONAL_KEYS`])
//!   removed. The erasure writes its own entry (`user.erased`) with counts only, without the
//!   person's identity.
//!
//! Everything happens in one transaction; a dry run does it all and rolls back. A second run
//! finds no such user and reports nothing to do.

use crate::export::find_user;
use neonhub_db::{DbError, catalog::Catalog};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
    TransactionTrait, Value,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// `metadata` keys removed from the audit entries of an erased person.
pub const PERSONAL_KEYS: [&str; 8] = [
    "email",
    "name",
    "ip",
    "user_agent",
    "user_email",
    "user_name",
    "phone",
    "address",
];

/// How to erase.
#[derive(Debug, Clone, Default)]
pub struct EraseOptions {
    /// Give the organization data the person owns to this user (id or email), an active member
    /// of every organization concerned.
    pub reassign_to: Option<String>,
    /// Delete the organization data the person owns (it is personal).
    pub delete_owned: bool,
    /// Do everything, report, roll back.
    pub dry_run: bool,
    /// How long a statement may wait for a lock (default 5 s).
    pub lock_timeout: Option<Duration>,
}

/// What was (or, in a dry run, would be) done.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct EraseReport {
    /// The erased user's id (`None`: no such user, nothing to do).
    pub user_id: Option<String>,
    /// Rows deleted with the person, per `table.column` (their dependent rows go too).
    pub deleted: BTreeMap<String, u64>,
    /// Organization rows given to the `reassign_to` user, per `table.column`.
    pub reassigned: BTreeMap<String, u64>,
    /// Rows kept without their author, per `table.column`.
    pub unattributed: BTreeMap<String, u64>,
    /// Audit entries kept, scrubbed.
    pub audit_scrubbed: u64,
    /// Rolled back.
    pub dry_run: bool,
}

impl EraseReport {
    /// One line for people and logs.
    pub fn summary(&self) -> String {
        let Some(id) = &self.user_id else {
            return "nothing to do: no such user (already erased?)".to_owned();
        };
        let sum = |m: &BTreeMap<String, u64>| m.values().sum::<u64>();
        format!(
            "{} user {id}: {} own rows deleted, {} organization rows reassigned, {} rows kept \
             without author, {} audit entries scrubbed{}",
            if self.dry_run {
                "would erase"
            } else {
                "erased"
            },
            sum(&self.deleted),
            sum(&self.reassigned),
            sum(&self.unattributed),
            self.audit_scrubbed,
            if self.dry_run {
                " (dry run: rolled back)"
            } else {
                ""
            }
        )
    }
}

/// Organization rows a user owns that the cascade would delete.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OwnedRows {
    /// `table.column`.
    pub key: String,
    /// The organization.
    pub organization_id: String,
    /// How many rows.
    pub rows: u64,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum EraseError {
    /// The person owns organization data and no choice was made.
    #[error(
        "the user owns organization data that deleting them would delete: {}. Give it to a \
         member of the organization (--reassign-to <user>) or, if it is personal, delete it \
         (--delete-owned); nothing was changed",
        list(.0)
    )]
    OwnsOrganizationData(Vec<OwnedRows>),
    /// The reassignment target is not a member of every organization concerned.
    #[error(
        "{target} is not an active member of organization(s) {}: reassign to a member of each; \
         nothing was changed",
        .organizations.join(", ")
    )]
    NotAMember {
        /// The target as given.
        target: String,
        /// Organizations it is not an active member of.
        organizations: Vec<String>,
    },
    /// The reassignment target does not exist or is the erased user.
    #[error("--reassign-to '{0}': no other user has that id or email")]
    UnknownTarget(String),
    /// The plumbing said no (a read replica).
    #[error(transparent)]
    Plumbing(#[from] DbError),
    /// A statement failed; the transaction was rolled back.
    #[error("erasure failed, nothing was changed: {}", neonhub_db::describe(.0))]
    Db(#[from] DbErr),
}

fn list(rows: &[OwnedRows]) -> String {
    rows.iter()
        .map(|r| {
            format!(
                "{} rows of {} in organization {}",
                r.rows, r.key, r.organization_id
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A foreign key to `users.id`, as erasure sees it.
#[derive(Debug, Clone)]
struct UserKey {
    table: String,
    column: String,
    cascade: bool,
    has_organization: bool,
}

fn user_keys(catalog: &Catalog) -> Vec<UserKey> {
    let mut keys = Vec::new();
    for fk in catalog
        .foreign_keys
        .iter()
        .filter(|fk| fk.references == "users")
    {
        let Some(table) = catalog.tables.get(&fk.table) else {
            continue;
        };
        for (from, to) in fk.pairs() {
            if to == "id" && fk.table != "audit_logs" {
                keys.push(UserKey {
                    table: fk.table.clone(),
                    column: from.to_owned(),
                    cascade: fk.on_delete == "CASCADE",
                    has_organization: table.columns.iter().any(|c| c.name == "organization_id"),
                });
            }
        }
    }
    keys
}

async fn count(txn: &DatabaseTransaction, sql: &str, values: Vec<Value>) -> Result<u64, DbErr> {
    let n: i64 = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?
        .ok_or_else(|| DbErr::Custom(format!("no row from {sql}")))?
        .try_get_by_index(0)?;
    Ok(u64::try_from(n).unwrap_or_default())
}

/// Erase the user `who` (id or email) from `db` (the owner's connection, on the primary).
///
/// # Errors
/// [`EraseError`]; on any error nothing was changed.
pub async fn erase_user(
    db: &DatabaseConnection,
    who: &str,
    options: &EraseOptions,
) -> Result<EraseReport, EraseError> {
    neonhub_db::require_primary(db).await?;
    let txn = db.begin().await?;
    let result = erase_in(&txn, who, options).await;
    match result {
        Ok(report) if !options.dry_run && report.user_id.is_some() => {
            txn.commit().await?;
            Ok(report)
        }
        other => {
            txn.rollback().await.ok();
            other
        }
    }
}

async fn erase_in(
    txn: &DatabaseTransaction,
    who: &str,
    options: &EraseOptions,
) -> Result<EraseReport, EraseError> {
    let lock_ms = options
        .lock_timeout
        .unwrap_or(Duration::from_secs(5))
        .as_millis();
    txn.execute_unprepared(&format!("SET LOCAL lock_timeout = '{lock_ms}ms'"))
        .await?;
    let mut report = EraseReport {
        dry_run: options.dry_run,
        ..EraseReport::default()
    };
    let Some(user) = find_user(txn, who).await? else {
        return Ok(report);
    };
    // The user's row is locked first: a concurrent erasure or sign-up waits.
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT 1 FROM users WHERE id = $1::uuid FOR UPDATE",
        [user.clone().into()],
    ))
    .await?;
    let catalog = Catalog::read(txn).await?;
    let keys = user_keys(&catalog);

    // Organization rows the cascade would take.
    let mut owned = Vec::new();
    for k in keys
        .iter()
        .filter(|k| k.cascade && k.column != "user_id" && k.has_organization)
    {
        let rows = txn
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                format!(
                    "SELECT organization_id::text, count(*) FROM {t} WHERE {c} = $1::uuid \
                     AND organization_id IS NOT NULL GROUP BY 1 ORDER BY 1",
                    t = k.table,
                    c = k.column
                ),
                [user.clone().into()],
            ))
            .await?;
        for row in rows {
            let n: i64 = row.try_get_by_index(1)?;
            owned.push(OwnedRows {
                key: format!("{}.{}", k.table, k.column),
                organization_id: row.try_get_by_index(0)?,
                rows: u64::try_from(n).unwrap_or_default(),
            });
        }
    }
    if !owned.is_empty() {
        match (&options.reassign_to, options.delete_owned) {
            (Some(target), _) => {
                let to = find_user(txn, target)
                    .await?
                    .filter(|t| *t != user)
                    .ok_or_else(|| EraseError::UnknownTarget(target.clone()))?;
                let mut outside = Vec::new();
                for org in owned.iter().map(|o| &o.organization_id) {
                    let member = count(
                        txn,
                        "SELECT count(*) FROM organization_members WHERE organization_id = $1::uuid \
                         AND user_id = $2::uuid AND status = 'active'",
                        vec![org.clone().into(), to.clone().into()],
                    )
                    .await?;
                    if member == 0 && !outside.contains(org) {
                        outside.push(org.clone());
                    }
                }
                if !outside.is_empty() {
                    return Err(EraseError::NotAMember {
                        target: target.clone(),
                        organizations: outside,
                    });
                }
                for k in keys
                    .iter()
                    .filter(|k| k.cascade && k.column != "user_id" && k.has_organization)
                {
                    let n = txn
                        .execute_raw(Statement::from_sql_and_values(
                            DbBackend::Postgres,
                            format!(
                                "UPDATE {t} SET {c} = $2::uuid WHERE {c} = $1::uuid \
                                 AND organization_id IS NOT NULL",
                                t = k.table,
                                c = k.column
                            ),
                            [user.clone().into(), to.clone().into()],
                        ))
                        .await?
                        .rows_affected();
                    if n > 0 {
                        report
                            .reassigned
                            .insert(format!("{}.{}", k.table, k.column), n);
                    }
                }
            }
            (None, true) => {}
            (None, false) => return Err(EraseError::OwnsOrganizationData(owned)),
        }
    }

    // What goes with the person, and what stays without them.
    for k in &keys {
        let n = count(
            txn,
            &format!(
                "SELECT count(*) FROM {} WHERE {} = $1::uuid",
                k.table, k.column
            ),
            vec![user.clone().into()],
        )
        .await?;
        if n == 0 {
            continue;
        }
        let key = format!("{}.{}", k.table, k.column);
        if k.cascade {
            report.deleted.insert(key, n);
        } else {
            report.unattributed.insert(key, n);
        }
    }
    let keys_array: Vec<String> = PERSONAL_KEYS.iter().map(|k| (*k).to_owned()).collect();
    report.audit_scrubbed = count(
        txn,
        "SELECT audit_logs_scrub_user($1::uuid, $2::text[])",
        vec![user.clone().into(), keys_array.into()],
    )
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM users WHERE id = $1::uuid",
        [user.clone().into()],
    ))
    .await?;
    let counts = serde_json::json!({
        "deleted": report.deleted,
        "reassigned": report.reassigned,
        "unattributed": report.unattributed,
        "audit_scrubbed": report.audit_scrubbed,
    });
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO audit_logs (actor_type, action, resource_type, metadata) \
         VALUES ('system', 'user.erased', 'user', $1)",
        [counts.into()],
    ))
    .await?;
    report.user_id = Some(user);
    Ok(report)
}
