//! A canonical snapshot of the live schema, read from the Postgres catalog.
//!
//! [`Catalog::read`] collects extensions, functions, enum types, tables with their columns,
//! constraints, indexes and triggers in the `public` schema; [`Catalog::render`] prints them
//! as sorted, line-oriented text that diffs well. Tests compare it with an expected snapshot,
//! compare it before and after a down/up round trip, and `doctor` reuses it.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One column: name, `format_type` spelling, nullability and default expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Type as Postgres spells it (`format_type`), e.g. `timestamp with time zone`.
    pub data_type: String,
    /// Whether the column is `NOT NULL`.
    pub not_null: bool,
    /// Default expression as Postgres deparses it, if any.
    pub default: Option<String>,
}

/// One table of the catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Columns in their physical order.
    pub columns: Vec<Column>,
    /// Constraint name to definition (`pg_get_constraintdef`).
    pub constraints: BTreeMap<String, String>,
    /// Index name to definition (the part of `pg_get_indexdef` from the access method on).
    pub indexes: BTreeMap<String, String>,
    /// Index name to whether it is unique.
    pub unique_indexes: BTreeMap<String, bool>,
    /// Trigger name to definition.
    pub triggers: BTreeMap<String, String>,
    /// Whether row-level security is enabled.
    pub row_security: bool,
    /// Policy name to definition (command, roles, USING and WITH CHECK expressions).
    pub policies: BTreeMap<String, String>,
    /// Grantee (other than the owner) to its privileges on the table, sorted.
    pub grants: BTreeMap<String, Vec<String>>,
}

/// A foreign key, resolved to column names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Constraint name.
    pub name: String,
    /// Referencing table.
    pub table: String,
    /// Referencing columns, in key order.
    pub columns: Vec<String>,
    /// Referenced table.
    pub references: String,
    /// Referenced columns, paired in order with `columns`.
    pub referenced_columns: Vec<String>,
    /// The ON DELETE rule: `CASCADE`, `SET NULL`, `SET DEFAULT`, `RESTRICT` or `NO ACTION`.
    pub on_delete: String,
}

impl ForeignKey {
    /// (referencing column, referenced column) pairs, in key order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.columns
            .iter()
            .map(String::as_str)
            .zip(self.referenced_columns.iter().map(String::as_str))
    }
}

/// The columns that make a foreign key tenant-scoped when they follow its key column.
pub const TENANT_COLUMNS: [&str; 2] = ["organization_id", "user_id"];

/// The `public` schema of one database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// Installed extensions and their versions.
    pub extensions: BTreeMap<String, String>,
    /// Functions defined in `public` by us (not by extensions), with their argument lists.
    pub functions: Vec<String>,
    /// Enum types with their labels in sort order.
    pub enums: BTreeMap<String, Vec<String>>,
    /// Tables by name.
    pub tables: BTreeMap<String, Table>,
    /// Foreign keys with their column lists.
    pub foreign_keys: Vec<ForeignKey>,
    /// Index keys: (table, index name, key expressions in order).
    pub index_keys: Vec<(String, String, Vec<String>)>,
}

async fn rows<C: ConnectionTrait>(db: &C, sql: &str) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    db.query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
}

fn get<T: sea_orm::TryGetable>(row: &sea_orm::QueryResult, col: &str) -> Result<T, DbErr> {
    row.try_get("", col)
}

fn strip_schema(def: &str) -> String {
    def.replace("public.", "")
}

/// Does the relation `name` (a table, view or index; schema-qualified or found through the
/// search path) exist? `to_regclass`, so a missing relation is `false`, not an error.
pub async fn relation_exists<C: ConnectionTrait>(db: &C, name: &str) -> Result<bool, DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT to_regclass($1) IS NOT NULL AS present",
            [name.into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<bool>("", "present"))
        .transpose()?
        .unwrap_or(false))
}

impl Catalog {
    /// Read the catalog of the database behind `db`.
    pub async fn read<C: ConnectionTrait>(db: &C) -> Result<Self, DbErr> {
        let mut cat = Catalog::default();
        for row in rows(
            db,
            "SELECT extname, extversion FROM pg_extension WHERE extname <> 'plpgsql'",
        )
        .await?
        {
            cat.extensions
                .insert(get(&row, "extname")?, get(&row, "extversion")?);
        }
        for row in rows(
            db,
            "SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS f
               FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace
                AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                 WHERE d.objid = p.oid AND d.deptype = 'e')
              ORDER BY 1",
        )
        .await?
        {
            cat.functions.push(get(&row, "f")?);
        }
        for row in rows(
            db,
            "SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
               FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
              WHERE t.typnamespace = 'public'::regnamespace
              GROUP BY t.typname",
        )
        .await?
        {
            cat.enums
                .insert(get(&row, "typname")?, get(&row, "labels")?);
        }
        for row in rows(
            db,
            "SELECT relname, relrowsecurity FROM pg_class
              WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')",
        )
        .await?
        {
            let table = cat.tables.entry(get(&row, "relname")?).or_default();
            table.row_security = get(&row, "relrowsecurity")?;
        }
        for row in rows(
            db,
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS typ,
                    a.attnotnull, pg_get_expr(d.adbin, d.adrelid) AS dflt
               FROM pg_attribute a
               JOIN pg_class c ON c.oid = a.attrelid
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                AND a.attnum > 0 AND NOT a.attisdropped
              ORDER BY c.relname, a.attnum",
        )
        .await?
        {
            let table: String = get(&row, "relname")?;
            cat.tables.entry(table).or_default().columns.push(Column {
                name: get(&row, "attname")?,
                data_type: get(&row, "typ")?,
                not_null: get(&row, "attnotnull")?,
                default: get(&row, "dflt")?,
            });
        }
        for row in rows(
            db,
            "SELECT c.relname, con.conname, con.contype::text AS contype,
                    coalesce(con.confrelid::regclass::text, '') AS references,
                    CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
                         WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END AS on_delete,
                    pg_get_constraintdef(con.oid) AS def,
                    array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
                           ORDER BY k.o) AS cols,
                    array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                            JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
                           ORDER BY k.o) AS ref_cols
               FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
              WHERE c.relnamespace = 'public'::regnamespace AND con.contype <> 'n'",
        )
        .await?
        {
            let table: String = get(&row, "relname")?;
            let name: String = get(&row, "conname")?;
            let def: String = get(&row, "def")?;
            if get::<String>(&row, "contype")? == "f" {
                cat.foreign_keys.push(ForeignKey {
                    name: name.clone(),
                    table: table.clone(),
                    columns: get(&row, "cols")?,
                    references: get(&row, "references")?,
                    referenced_columns: get(&row, "ref_cols")?,
                    on_delete: get(&row, "on_delete")?,
                });
            }
            cat.tables
                .entry(table)
                .or_default()
                .constraints
                .insert(name, strip_schema(&def));
        }
        for row in rows(
            db,
            "SELECT c.relname, i.relname AS idx, ix.indisunique, pg_get_indexdef(ix.indexrelid) AS def,
                    array(SELECT pg_get_indexdef(ix.indexrelid, k, true)
                            FROM generate_series(1, ix.indnkeyatts) k ORDER BY k) AS keys
               FROM pg_index ix
               JOIN pg_class c ON c.oid = ix.indrelid
               JOIN pg_class i ON i.oid = ix.indexrelid
              WHERE c.relnamespace = 'public'::regnamespace",
        )
        .await?
        {
            let table: String = get(&row, "relname")?;
            let name: String = get(&row, "idx")?;
            let def: String = get(&row, "def")?;
            let body = def.split_once(" USING ").map_or(def.as_str(), |(_, b)| b);
            let entry = cat.tables.entry(table.clone()).or_default();
            entry.indexes.insert(name.clone(), body.to_owned());
            entry.unique_indexes.insert(name.clone(), get(&row, "indisunique")?);
            cat.index_keys.push((table, name, get(&row, "keys")?));
        }
        for row in rows(
            db,
            "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) AS def
               FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
              WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal",
        )
        .await?
        {
            let table: String = get(&row, "relname")?;
            let def: String = get(&row, "def")?;
            let def = strip_schema(&def);
            let body = def
                .split_once(&format!(" ON {table} "))
                .map(|(head, tail)| {
                    let when = head
                        .rsplit_once(&format!(
                            "{} ",
                            get::<String>(&row, "tgname").unwrap_or_default()
                        ))
                        .map_or(head, |(_, w)| w);
                    format!("{when} {tail}")
                })
                .unwrap_or(def.clone());
            cat.tables
                .entry(table)
                .or_default()
                .triggers
                .insert(get(&row, "tgname")?, body);
        }
        for row in rows(
            db,
            "SELECT tablename, policyname, cmd, array_to_string(roles, ', ') AS roles,
                    qual, with_check
               FROM pg_policies WHERE schemaname = 'public'",
        )
        .await?
        {
            let mut def = format!(
                "FOR {} TO {}",
                get::<String>(&row, "cmd")?,
                get::<String>(&row, "roles")?
            );
            if let Some(q) = get::<Option<String>>(&row, "qual")? {
                let _ = write!(def, " USING ({q})");
            }
            if let Some(c) = get::<Option<String>>(&row, "with_check")? {
                let _ = write!(def, " WITH CHECK ({c})");
            }
            let def = def.split_whitespace().collect::<Vec<_>>().join(" ");
            cat.tables
                .entry(get(&row, "tablename")?)
                .or_default()
                .policies
                .insert(get(&row, "policyname")?, def);
        }
        for row in rows(
            db,
            "SELECT c.relname, r.rolname, array_agg(a.privilege_type::text ORDER BY a.privilege_type) AS privs
               FROM pg_class c
               CROSS JOIN LATERAL aclexplode(c.relacl) a
               JOIN pg_roles r ON r.oid = a.grantee
              WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                AND a.grantee <> c.relowner
              GROUP BY c.relname, r.rolname",
        )
        .await?
        {
            cat.tables
                .entry(get(&row, "relname")?)
                .or_default()
                .grants
                .insert(get(&row, "rolname")?, get(&row, "privs")?);
        }
        cat.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        cat.index_keys.sort();
        Ok(cat)
    }

    /// Remove the indexes for which `select(table, index)` holds and return them as (table,
    /// index, definition): for indexes that are data rather than schema (the tenant HNSW
    /// indexes of `vector-maintain`), which a comparison with the migrated schema must skip.
    pub fn take_indexes(
        &mut self,
        select: impl Fn(&str, &str) -> bool,
    ) -> Vec<(String, String, String)> {
        let mut taken = Vec::new();
        for (table_name, table) in &mut self.tables {
            let names: Vec<String> = table
                .indexes
                .keys()
                .filter(|index| select(table_name, index))
                .cloned()
                .collect();
            for name in names {
                let def = table.indexes.remove(&name).unwrap_or_default();
                table.unique_indexes.remove(&name);
                taken.push((table_name.clone(), name, def));
            }
        }
        self.index_keys
            .retain(|(table, index, _)| !taken.iter().any(|(t, i, _)| t == table && i == index));
        taken
    }

    /// Tables whose name does not start with `seaql_` or `_` (migration bookkeeping).
    pub fn schema_tables(&self) -> impl Iterator<Item = (&String, &Table)> {
        self.tables
            .iter()
            .filter(|(name, _)| !name.starts_with("seaql_") && !name.starts_with('_'))
    }

    /// Foreign keys (outside bookkeeping tables) whose referencing rows no index finds: an
    /// index must lead with the key's columns, in any order. A tenant-scoped key `(parent_id,
    /// organization_id)` (or `user_id`) counts as indexed by an index leading with
    /// `parent_id`: the parent's id alone selects the rows a cascade or check looks up.
    pub fn unindexed_foreign_keys(&self) -> Vec<&ForeignKey> {
        self.foreign_keys
            .iter()
            .filter(|fk| !fk.table.starts_with("seaql_") && !fk.table.starts_with('_'))
            .filter(|fk| {
                let lead = match fk.columns.as_slice() {
                    [first, tenant] if TENANT_COLUMNS.contains(&tenant.as_str()) => {
                        std::slice::from_ref(first)
                    }
                    columns => columns,
                };
                let prefix_of = |keys: &[String], columns: &[String]| {
                    keys.len() >= columns.len()
                        && columns.iter().all(|c| keys[..columns.len()].contains(c))
                };
                !self.index_keys.iter().any(|(table, _, keys)| {
                    table == &fk.table && (prefix_of(keys, lead) || prefix_of(keys, &fk.columns))
                })
            })
            .collect()
    }

    /// The schema as sorted text, one fact per line, bookkeeping tables left out.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for name in self.extensions.keys() {
            let _ = writeln!(out, "extension {name}");
        }
        for f in &self.functions {
            let _ = writeln!(out, "function {f}");
        }
        for (name, labels) in &self.enums {
            let _ = writeln!(out, "enum {name}: {}", labels.join(", "));
        }
        for (name, table) in self.schema_tables() {
            let _ = writeln!(out, "table {name}");
            for c in &table.columns {
                let _ = write!(out, "  column {} {}", c.name, c.data_type);
                out.push_str(if c.not_null { " not null" } else { " null" });
                if let Some(d) = &c.default {
                    let _ = write!(out, " default {d}");
                }
                out.push('\n');
            }
            for (n, def) in &table.constraints {
                let _ = writeln!(out, "  constraint {n}: {def}");
            }
            for (n, def) in &table.indexes {
                let unique = if table.unique_indexes.get(n) == Some(&true) {
                    "unique "
                } else {
                    ""
                };
                let _ = writeln!(out, "  index {n}: {unique}{def}");
            }
            for (n, def) in &table.triggers {
                let _ = writeln!(out, "  trigger {n}: {def}");
            }
            if table.row_security {
                let _ = writeln!(out, "  row level security");
            }
            for (n, def) in &table.policies {
                let _ = writeln!(out, "  policy {n}: {def}");
            }
            for (role, privs) in &table.grants {
                let _ = writeln!(out, "  grant {role}: {}", privs.join(", "));
            }
        }
        out
    }
}
