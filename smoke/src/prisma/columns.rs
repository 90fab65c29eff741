//! Columns in Prisma's terms: the scalar type and native type attribute of each PostgreSQL type,
//! the `@default` Prisma should know, and Prisma's string literals.

use super::PrismaError;
use super::names::Names;
use super::snapshot::{Column, Snapshot, Table};

/// A Prisma string literal.
pub(super) fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

pub(super) fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The Prisma type of a column (without `?` / `[]`), its native type attribute, and whether
/// it is a list.
pub(super) fn prisma_type(
    table: &Table,
    column: &Column,
    snapshot: &Snapshot,
    names: &Names,
) -> Result<(String, Option<String>, bool), PrismaError> {
    let (base, list) = match column.data_type.strip_suffix("[]") {
        Some(element) => (element, true),
        None => (column.data_type.as_str(), false),
    };
    let plain = |ty: &str| Ok((ty.to_owned(), None, list));
    let native = |ty: &str, attr: &str| Ok((ty.to_owned(), Some(attr.to_owned()), list));
    match base {
        "uuid" => native("String", "@db.Uuid"),
        "text" => plain("String"),
        "integer" => plain("Int"),
        "smallint" => native("Int", "@db.SmallInt"),
        "bigint" => plain("BigInt"),
        "boolean" => plain("Boolean"),
        "timestamp with time zone" => native("DateTime", "@db.Timestamptz(6)"),
        "timestamp without time zone" => native("DateTime", "@db.Timestamp(6)"),
        "date" => native("DateTime", "@db.Date"),
        "jsonb" => plain("Json"),
        "json" => native("Json", "@db.Json"),
        "double precision" => plain("Float"),
        "real" => native("Float", "@db.Real"),
        "numeric" => plain("Decimal"),
        "bytea" => plain("Bytes"),
        "inet" => native("String", "@db.Inet"),
        _ if base.starts_with("vector(") || base.starts_with("halfvec(") => {
            Ok(("Unsupported(\"vector\")".to_owned(), None, list))
        }
        _ if base.starts_with("character varying(") => native(
            "String",
            &format!(
                "@db.VarChar({})",
                &base["character varying(".len()..base.len() - 1]
            ),
        ),
        _ if base.starts_with("numeric(") => native(
            "Decimal",
            &format!("@db.Decimal({})", &base["numeric(".len()..base.len() - 1]),
        ),
        _ if snapshot.enums.contains_key(base) => plain(&names.enum_name(base)),
        _ => Err(PrismaError::UnknownType {
            table: table.name.clone(),
            column: column.name.clone(),
            data_type: column.data_type.clone(),
        }),
    }
}

/// The `@default(...)` of a column, if it has a default Prisma should know.
pub(super) fn default_attr(table: &Table, column: &Column, snapshot: &Snapshot) -> Option<String> {
    let expr = column.default.as_deref()?;
    if column.data_type.starts_with("vector(") {
        return None;
    }
    let literal = |expr: &str| -> Option<(String, String)> {
        let rest = expr.strip_prefix('\'')?;
        let (value, ty) = rest.rsplit_once("'::")?;
        Some((value.replace("''", "'"), ty.to_owned()))
    };
    let value = if expr == "gen_random_uuid()" && table.primary_key == [column.name.clone()] {
        "uuid(7)".to_owned()
    } else if expr == "now()" {
        "now()".to_owned()
    } else if expr == "true" || expr == "false" || expr.parse::<i64>().is_ok() {
        expr.to_owned()
    } else if let Some((value, ty)) = literal(expr) {
        match ty.as_str() {
            "text" => quoted(&value),
            "jsonb" | "json" => quoted(&value),
            "text[]" if value == "{}" => "[]".to_owned(),
            _ if snapshot.enums.contains_key(&ty) && is_identifier(&value) => value,
            _ => format!("dbgenerated({})", quoted(expr)),
        }
    } else {
        format!("dbgenerated({})", quoted(expr))
    };
    Some(format!("@default({value})"))
}
