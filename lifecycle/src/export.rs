//! GDPR export: every row that names a user, in every table, as one JSON document.
//!
//! Which rows: found from the catalog, not a hand list. A column names the user when a foreign
//! key pairs it with `users.id`, or with the `user_id` of another table (the user-scoped
//! composite keys, e.g. `usage_records (subscription_id, user_id) → subscriptions (id,
//! user_id)`); a table added tomorrow with such a key is exported without a code change. Each
//! row is the row as `to_jsonb` spells it, plus `<column>_name` for each foreign key to a table
//! with a `name` (a membership's organization and role by name). Withheld, and named as
//! withheld in the header: the sealed secret columns (`entity::secrets::columns::ALL`) and
//! token and key hashes. Free text is exported as it is.
//!
//! How: one read-only `REPEATABLE READ` transaction (one snapshot for every table), each table
//! read through a server-side cursor `FETCH`ed [`FETCH_ROWS`] rows at a time and written out as
//! it comes: memory stays bounded whatever the user's row count.

use neonhub_db::catalog::Catalog;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    IsolationLevel, Statement, TransactionTrait,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// Rows per `FETCH`.
pub const FETCH_ROWS: u32 = 1_000;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// No user has that id or email.
    #[error("no user has the id or email '{0}'")]
    UnknownUser(String),
    /// A database error.
    #[error("export failed: {}", neonhub_db::describe(.0))]
    Db(#[from] DbErr),
    /// Writing the document failed.
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
}

/// What was exported.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    /// The user's id.
    pub user_id: String,
    /// Rows per table (every table with a column naming the user, zeros included).
    pub rows: BTreeMap<String, u64>,
    /// Columns left out per table.
    pub withheld: BTreeMap<String, Vec<String>>,
    /// Bytes written.
    pub bytes: u64,
    /// The process's peak resident memory (kB), from /proc/self/status.
    pub peak_rss_kb: Option<u64>,
}

/// Is `table.column` left out of exports (a sealed secret, a token or key hash)?
pub fn withheld(table: &str, column: &str) -> bool {
    entity::secrets::columns::ALL.contains(&format!("{table}.{column}").as_str())
        || (column.ends_with("_hash") && (column.contains("token") || column.contains("key")))
}

/// Per table, the columns that name a user (sorted; `users` itself by `id`).
pub fn user_columns(catalog: &Catalog) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    out.insert("users".into(), vec!["id".into()]);
    for fk in &catalog.foreign_keys {
        for (from, to) in fk.pairs() {
            if (fk.references == "users" && to == "id") || to == "user_id" {
                let cols = out.entry(fk.table.clone()).or_default();
                if !cols.iter().any(|c| c == from) {
                    cols.push(from.to_owned());
                    cols.sort();
                }
            }
        }
    }
    out
}

fn peak_rss_kb() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The SELECT of `table`'s rows naming `$1`: each row as JSON text, withheld columns removed,
/// labels of named parents added.
fn select_rows(catalog: &Catalog, table: &str, columns: &[String]) -> (String, Vec<String>) {
    let mut withheld_here: Vec<String> = catalog
        .tables
        .get(table)
        .map(|t| {
            t.columns
                .iter()
                .filter(|c| withheld(table, &c.name))
                .map(|c| c.name.clone())
                .collect()
        })
        .unwrap_or_default();
    withheld_here.sort();
    let mut joins = String::new();
    let mut labels = Vec::new();
    for (i, fk) in catalog
        .foreign_keys
        .iter()
        .filter(|fk| fk.table == table && fk.references != "users")
        .enumerate()
    {
        let has_name = catalog
            .tables
            .get(&fk.references)
            .is_some_and(|p| p.columns.iter().any(|c| c.name == "name"));
        let Some((from, _)) = fk.pairs().find(|(_, to)| *to == "id") else {
            continue;
        };
        if has_name {
            joins.push_str(&format!(
                " LEFT JOIN {p} p{i} ON p{i}.id = t.{from}",
                p = fk.references
            ));
            labels.push(format!("'{from}_name', p{i}.name"));
        }
    }
    let removed = if withheld_here.is_empty() {
        String::new()
    } else {
        format!(
            " - ARRAY[{}]::text[]",
            withheld_here
                .iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let added = if labels.is_empty() {
        String::new()
    } else {
        format!(" || jsonb_build_object({})", labels.join(", "))
    };
    let filter = columns
        .iter()
        .map(|c| format!("t.{c} = $1::uuid"))
        .collect::<Vec<_>>()
        .join(" OR ");
    (
        format!(
            "SELECT ((to_jsonb(t){removed}){added})::text AS row FROM {table} t{joins} WHERE {filter} ORDER BY t.ctid"
        ),
        withheld_here,
    )
}

async fn scalar(
    txn: &DatabaseTransaction,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Option<String>, DbErr> {
    match txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?
    {
        Some(row) => row.try_get_by_index::<Option<String>>(0),
        None => Ok(None),
    }
}

/// The id of the user whose id or email (any case, surrounding spaces ignored: emails are
/// stored normalised, [`entity::users::normalize_email`]) is `who`: a probe of the primary key
/// or of the unique key `users_email_key`.
///
/// # Errors
/// The database error of the lookup.
pub async fn find_user<C: ConnectionTrait>(db: &C, who: &str) -> Result<Option<String>, DbErr> {
    let statement = match sea_orm::prelude::Uuid::parse_str(who.trim()) {
        Ok(id) => Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id::text FROM users WHERE id = $1",
            [id.into()],
        ),
        Err(_) => Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id::text FROM users WHERE email = $1",
            [entity::users::normalize_email(who).into()],
        ),
    };
    match db.query_one_raw(statement).await? {
        Some(row) => Ok(Some(row.try_get_by_index(0)?)),
        None => Ok(None),
    }
}

/// Export everything naming the user `who` (an id or an email) from `db` (the owner) to `out`.
///
/// # Errors
/// [`ExportError`]: an unknown user, a database or write error.
pub async fn export_user<W: Write>(
    db: &DatabaseConnection,
    who: &str,
    out: &mut W,
) -> Result<ExportReport, ExportError> {
    let txn = db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?;
    let user_id = find_user(&txn, who)
        .await?
        .ok_or_else(|| ExportError::UnknownUser(who.to_owned()))?;
    let schema_version = scalar(&txn, "SELECT max(version) FROM seaql_migrations", vec![]).await?;
    let generated_at = scalar(
        &txn,
        "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        vec![],
    )
    .await?;
    let catalog = Catalog::read(&txn).await?;
    let tables = user_columns(&catalog);
    let plans: Vec<(String, String, Vec<String>, Vec<String>)> = tables
        .iter()
        .map(|(table, columns)| {
            let (sql, withheld) = select_rows(&catalog, table, columns);
            (table.clone(), sql, withheld, columns.clone())
        })
        .collect();
    let withheld: BTreeMap<String, Vec<String>> = plans
        .iter()
        .filter(|(_, _, w, _)| !w.is_empty())
        .map(|(t, _, w, _)| (t.clone(), w.clone()))
        .collect();
    let found_by: BTreeMap<&str, &Vec<String>> =
        plans.iter().map(|(t, _, _, c)| (t.as_str(), c)).collect();

    let mut out = CountingWriter {
        inner: out,
        bytes: 0,
    };
    let header = serde_json::json!({
        "format": "neonhub-user-export/1",
        "user_id": user_id,
        "generated_at": generated_at,
        "schema_version": schema_version,
        "snapshot": "one REPEATABLE READ transaction",
        "withheld": withheld,
        "found_by": found_by,
    });
    let header = serde_json::to_string_pretty(&header).map_err(std::io::Error::other)?;
    // The header object, left open for "tables".
    write!(
        out,
        "{},\n  \"tables\": {{",
        header.trim_end().trim_end_matches('}').trim_end()
    )?;
    let mut rows = BTreeMap::new();
    for (i, (table, sql, _, _)) in plans.iter().enumerate() {
        write!(out, "{}\n    \"{table}\": [", if i == 0 { "" } else { "," })?;
        let cursor = format!("export_{i}");
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("DECLARE {cursor} NO SCROLL CURSOR FOR {sql}"),
            [user_id.clone().into()],
        ))
        .await?;
        let mut n: u64 = 0;
        loop {
            let batch = txn
                .query_all_raw(Statement::from_string(
                    DbBackend::Postgres,
                    format!("FETCH {FETCH_ROWS} FROM {cursor}"),
                ))
                .await?;
            for row in &batch {
                let json: String = row.try_get("", "row")?;
                write!(out, "{}\n      {json}", if n == 0 { "" } else { "," })?;
                n += 1;
            }
            if batch.len() < FETCH_ROWS as usize {
                break;
            }
        }
        txn.execute_unprepared(&format!("CLOSE {cursor}")).await?;
        write!(out, "{}]", if n == 0 { "" } else { "\n    " })?;
        rows.insert(table.clone(), n);
    }
    let counts = serde_json::to_string(&rows).map_err(std::io::Error::other)?;
    write!(out, "\n  }},\n  \"row_counts\": {counts}\n}}\n")?;
    out.flush()?;
    txn.commit().await?;
    Ok(ExportReport {
        user_id,
        rows,
        withheld,
        bytes: out.bytes,
        peak_rss_kb: peak_rss_kb(),
    })
}

struct CountingWriter<'a, W: Write> {
    inner: &'a mut W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
