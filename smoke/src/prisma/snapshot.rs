//! The schema snapshot the Prisma schema is generated from: the text form of the live catalog
//! (`neonhub_db::catalog::Catalog::render`, one fact per line), as committed in
//! `migration/tests/expected_schema.txt` and held equal to a migrated database by the
//! conformance test. Parsed here into tables, columns, keys and indexes.

use super::PrismaError;
use std::collections::BTreeMap;

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Type as `format_type` spells it (`timestamp with time zone`, `vector(1536)`).
    pub data_type: String,
    /// `NOT NULL`.
    pub not_null: bool,
    /// Default expression, if any.
    pub default: Option<String>,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Constraint name.
    pub name: String,
    /// Referencing columns, in key order.
    pub columns: Vec<String>,
    /// Referenced table.
    pub references: String,
    /// Referenced columns, paired with `columns`.
    pub referenced_columns: Vec<String>,
    /// The ON DELETE action as PostgreSQL prints it (`CASCADE`, `SET NULL`,
    /// `SET NULL (dataset_id)`, `NO ACTION`, …).
    pub on_delete: String,
}

/// An index (the primary key's and unique constraints' included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Index name.
    pub name: String,
    /// `UNIQUE`.
    pub unique: bool,
    /// The plain columns it is on, in order, when it is a B-tree over plain columns with no
    /// predicate (what Prisma can express); `None` otherwise.
    pub columns: Option<Vec<String>>,
    /// `NULLS NOT DISTINCT` (unique indexes).
    pub nulls_not_distinct: bool,
    /// The definition after `USING` (`btree (organization_id, id)`).
    pub definition: String,
}

/// One table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Table name.
    pub name: String,
    /// Columns in their physical order.
    pub columns: Vec<Column>,
    /// Primary key columns (empty when the table has none).
    pub primary_key: Vec<String>,
    /// The primary key constraint's name.
    pub primary_key_name: Option<String>,
    /// Foreign keys, by name.
    pub foreign_keys: Vec<ForeignKey>,
    /// Indexes by name (the primary key's included).
    pub indexes: Vec<Index>,
    /// CHECK constraints: (name, definition).
    pub checks: Vec<(String, String)>,
    /// Triggers: (name, definition).
    pub triggers: Vec<(String, String)>,
    /// Row-level security enabled.
    pub row_security: bool,
    /// Policies: (name, definition).
    pub policies: Vec<(String, String)>,
    /// Grants: (role, privileges).
    pub grants: Vec<(String, String)>,
}

impl Table {
    /// The column `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether `columns` (in any order) are exactly the columns of the primary key or of a
    /// unique B-tree index over plain columns.
    pub fn is_unique_key(&self, columns: &[String]) -> bool {
        let same =
            |key: &[String]| key.len() == columns.len() && columns.iter().all(|c| key.contains(c));
        (!self.primary_key.is_empty() && same(&self.primary_key))
            || self
                .indexes
                .iter()
                .filter(|i| i.unique)
                .filter_map(|i| i.columns.as_deref())
                .any(same)
    }
}

/// The schema: enum types and tables (bookkeeping tables are not in the snapshot).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Enum types with their labels in sort order.
    pub enums: BTreeMap<String, Vec<String>>,
    /// Tables by name.
    pub tables: BTreeMap<String, Table>,
}

fn strip_quotes(name: &str) -> String {
    name.trim().trim_matches('"').to_owned()
}

/// `a, "b", c` → `[a, b, c]`.
fn list(text: &str) -> Vec<String> {
    text.split(',').map(strip_quotes).collect()
}

/// The text inside the parentheses that open at the start of `text` (which must start with
/// `(`), and what follows them.
fn parenthesised(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (i, ch) in text.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((&text[1..i], &text[i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_column(rest: &str) -> Option<Column> {
    let (name, rest) = rest.split_once(' ')?;
    // The type is everything before ` not null` / ` null` (no type name contains `null`).
    let (data_type, tail) = if let Some(i) = rest.find(" not null") {
        (&rest[..i], &rest[i + " not null".len()..])
    } else {
        let i = rest.find(" null")?;
        (&rest[..i], &rest[i + " null".len()..])
    };
    let default = tail.strip_prefix(" default ").map(str::to_owned);
    Some(Column {
        name: strip_quotes(name),
        data_type: data_type.to_owned(),
        not_null: rest.contains(" not null"),
        default,
    })
}

fn parse_foreign_key(name: &str, def: &str) -> Option<ForeignKey> {
    let rest = def.strip_prefix("FOREIGN KEY ")?;
    let (columns, rest) = parenthesised(rest)?;
    let rest = rest.strip_prefix(" REFERENCES ")?;
    let open = rest.find('(')?;
    let references = strip_quotes(&rest[..open]);
    let (referenced, rest) = parenthesised(&rest[open..])?;
    let on_delete = rest
        .split_once("ON DELETE ")
        .map(|(_, action)| action.trim().to_owned())
        .unwrap_or_else(|| "NO ACTION".to_owned());
    Some(ForeignKey {
        name: name.to_owned(),
        columns: list(columns),
        references,
        referenced_columns: list(referenced),
        on_delete,
    })
}

fn parse_index(name: &str, def: &str) -> Index {
    let (unique, body) = match def.strip_prefix("unique ") {
        Some(body) => (true, body),
        None => (false, def),
    };
    let columns = body.strip_prefix("btree ").and_then(|rest| {
        let (keys, tail) = parenthesised(rest)?;
        let tail = tail.trim();
        let plain = keys.split(',').map(str::trim).all(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '"')
        });
        (plain && (tail.is_empty() || tail == "NULLS NOT DISTINCT")).then(|| list(keys))
    });
    Index {
        name: name.to_owned(),
        unique,
        columns,
        nulls_not_distinct: body.contains("NULLS NOT DISTINCT"),
        definition: body.to_owned(),
    }
}

/// Parse the snapshot text (`Catalog::render`'s form).
///
/// # Errors
/// [`PrismaError::Snapshot`] on a line it cannot read (the line number and the line).
pub fn parse(text: &str) -> Result<Snapshot, PrismaError> {
    let mut snapshot = Snapshot::default();
    let mut current: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let bad = || PrismaError::Snapshot {
            line: n + 1,
            text: line.to_owned(),
        };
        if let Some(rest) = line.strip_prefix("  ") {
            let table_name = current.as_ref().ok_or_else(bad)?;
            let table = snapshot.tables.get_mut(table_name).ok_or_else(bad)?;
            if let Some(rest) = rest.strip_prefix("column ") {
                table.columns.push(parse_column(rest).ok_or_else(bad)?);
            } else if let Some(rest) = rest.strip_prefix("constraint ") {
                let (name, def) = rest.split_once(": ").ok_or_else(bad)?;
                if let Some(keys) = def.strip_prefix("PRIMARY KEY ") {
                    let (columns, _) = parenthesised(keys).ok_or_else(bad)?;
                    table.primary_key = list(columns);
                    table.primary_key_name = Some(name.to_owned());
                } else if def.starts_with("FOREIGN KEY ") {
                    table
                        .foreign_keys
                        .push(parse_foreign_key(name, def).ok_or_else(bad)?);
                } else if def.starts_with("CHECK ") {
                    table.checks.push((name.to_owned(), def.to_owned()));
                }
                // UNIQUE constraints also appear as their index.
            } else if let Some(rest) = rest.strip_prefix("index ") {
                let (name, def) = rest.split_once(": ").ok_or_else(bad)?;
                table.indexes.push(parse_index(name, def));
            } else if let Some(rest) = rest.strip_prefix("trigger ") {
                let (name, def) = rest.split_once(": ").ok_or_else(bad)?;
                table.triggers.push((name.to_owned(), def.to_owned()));
            } else if rest == "row level security" {
                table.row_security = true;
            } else if let Some(rest) = rest.strip_prefix("policy ") {
                let (name, def) = rest.split_once(": ").ok_or_else(bad)?;
                table.policies.push((name.to_owned(), def.to_owned()));
            } else if let Some(rest) = rest.strip_prefix("grant ") {
                let (role, privileges) = rest.split_once(": ").ok_or_else(bad)?;
                table.grants.push((role.to_owned(), privileges.to_owned()));
            } else {
                return Err(bad());
            }
            continue;
        }
        current = None;
        if let Some(name) = line.strip_prefix("table ") {
            snapshot.tables.insert(
                name.to_owned(),
                Table {
                    name: name.to_owned(),
                    ..Table::default()
                },
            );
            current = Some(name.to_owned());
        } else if let Some(rest) = line.strip_prefix("enum ") {
            let (name, labels) = rest.split_once(": ").ok_or_else(bad)?;
            snapshot.enums.insert(
                name.to_owned(),
                labels.split(", ").map(str::to_owned).collect(),
            );
        } else if !(line.starts_with("extension ")
            || line.starts_with("function ")
            || line.is_empty())
        {
            return Err(bad());
        }
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_line() {
        let text = "extension vector\n\
            function f(a text)\n\
            enum kind: A, B\n\
            table t\n  \
            column id uuid not null default gen_random_uuid()\n  \
            column at timestamp with time zone null\n  \
            column \"timestamp\" text not null default 'x'::text\n  \
            constraint t_pkey: PRIMARY KEY (id)\n  \
            constraint t_p_fkey: FOREIGN KEY (p_id, org) REFERENCES p(id, org) ON DELETE SET NULL (p_id)\n  \
            constraint t_at_check: CHECK ((at > now()))\n  \
            index t_pkey: unique btree (id)\n  \
            index t_a_key: unique btree (a, \"timestamp\") NULLS NOT DISTINCT\n  \
            index t_lower_key: unique btree (lower(a))\n  \
            index t_part_idx: btree (a) WHERE (a IS NOT NULL)\n  \
            trigger t_x: BEFORE UPDATE FOR EACH ROW EXECUTE FUNCTION f()\n  \
            row level security\n  \
            policy t_p: FOR ALL TO neonhub_app USING (true)\n  \
            grant neonhub_app: SELECT\n";
        let s = parse(text).unwrap();
        assert_eq!(s.enums["kind"], vec!["A", "B"]);
        let t = &s.tables["t"];
        assert_eq!(t.columns.len(), 3);
        assert_eq!(t.columns[1].data_type, "timestamp with time zone");
        assert!(!t.columns[1].not_null);
        assert_eq!(t.columns[2].name, "timestamp");
        assert_eq!(t.columns[2].default.as_deref(), Some("'x'::text"));
        assert_eq!(t.primary_key, vec!["id"]);
        let fk = &t.foreign_keys[0];
        assert_eq!(fk.columns, vec!["p_id", "org"]);
        assert_eq!(fk.references, "p");
        assert_eq!(fk.referenced_columns, vec!["id", "org"]);
        assert_eq!(fk.on_delete, "SET NULL (p_id)");
        let by = |n: &str| t.indexes.iter().find(|i| i.name == n).unwrap();
        assert_eq!(
            by("t_a_key").columns.as_deref(),
            Some(&["a".to_owned(), "timestamp".to_owned()][..])
        );
        assert!(by("t_a_key").nulls_not_distinct);
        assert_eq!(by("t_lower_key").columns, None);
        assert_eq!(by("t_part_idx").columns, None);
        assert!(t.is_unique_key(&["timestamp".into(), "a".into()]));
        assert!(!t.is_unique_key(&["a".into()]));
        assert!(t.row_security);
        assert_eq!(t.checks.len(), 1);
        assert!(parse("nonsense\n").is_err());
        assert!(parse("table t\n  column\n").is_err());
    }
}
