//! The table registry: every entity with its domain and columns, for tools that must cover the
//! whole schema (smoke counts, schema docs, entity/database agreement checks).

use sea_orm::sea_query::{ColumnType, ForeignKeyAction, PostgresQueryBuilder, Query};
use sea_orm::{
    ColumnTrait, EntityTrait, IdenStatic, Identity, Iterable, PrimaryKeyToColumn, RelationTrait,
};

/// One column of an entity, as the entity declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    /// Column name in the database.
    pub name: String,
    /// The Postgres type the entity expects, spelled as `format_type` does
    /// (`timestamp with time zone`, `vector(1536)`, `text[]`, an enum's type name).
    pub pg_type: String,
    /// Whether the entity allows NULL.
    pub nullable: bool,
    /// Whether the column is (part of) the primary key.
    pub primary_key: bool,
    /// Whether the entity declares the column unique on its own.
    pub unique: bool,
    /// The default the entity declares, as SQL (`now()`, `'active'`, `true`).
    pub default: Option<String>,
}

/// A foreign key, as the entity's `belongs_to` relation declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyInfo {
    /// The referencing column.
    pub column: String,
    /// The referenced table (its `id`).
    pub references: String,
    /// The ON DELETE rule (`CASCADE`, `SET NULL`, ...), if declared.
    pub on_delete: Option<String>,
}

/// One registered table.
#[derive(Clone, Copy)]
pub struct TableInfo {
    /// Domain the table belongs to (the spec's section), e.g. `Billing`.
    pub domain: &'static str,
    /// Table name; also the entity's module name.
    pub name: &'static str,
    columns: fn() -> Vec<ColumnInfo>,
    foreign_keys: fn() -> Vec<ForeignKeyInfo>,
    entity_table: fn() -> String,
}

impl std::fmt::Debug for TableInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableInfo")
            .field("domain", &self.domain)
            .field("name", &self.name)
            .finish()
    }
}

impl TableInfo {
    /// Registry entry of entity `E`.
    pub const fn new<E: EntityTrait + Default>(domain: &'static str, name: &'static str) -> Self {
        Self {
            domain,
            name,
            columns: columns_of::<E>,
            foreign_keys: foreign_keys_of::<E>,
            entity_table: || E::default().table_name().to_owned(),
        }
    }

    /// The entity's columns in declaration order.
    pub fn columns(&self) -> Vec<ColumnInfo> {
        (self.columns)()
    }

    /// The foreign keys the entity's `belongs_to` relations declare, in declaration order.
    pub fn foreign_keys(&self) -> Vec<ForeignKeyInfo> {
        (self.foreign_keys)()
    }

    /// The table name the entity itself declares (equal to [`TableInfo::name`]).
    pub fn entity_table_name(&self) -> String {
        (self.entity_table)()
    }
}

/// Every table of the schema, grouped by domain in the spec's order.
pub fn tables() -> &'static [TableInfo] {
    crate::entities::TABLES
}

/// The registry entry of `name`, if it is a table of the schema.
pub fn table(name: &str) -> Option<&'static TableInfo> {
    tables().iter().find(|t| t.name == name)
}

fn columns_of<E: EntityTrait>() -> Vec<ColumnInfo> {
    let pk: Vec<String> = E::PrimaryKey::iter()
        .map(|k| k.into_column().as_str().to_owned())
        .collect();
    E::Column::iter()
        .map(|c| {
            let def = c.def();
            let name = c.as_str().to_owned();
            ColumnInfo {
                pg_type: pg_type(def.get_column_type()),
                nullable: def.is_null(),
                primary_key: pk.contains(&name),
                unique: def.is_unique(),
                default: def.get_column_default().map(|expr| {
                    let sql = Query::select()
                        .expr(expr.clone())
                        .to_string(PostgresQueryBuilder);
                    sql.trim_start_matches("SELECT ").to_owned()
                }),
                name,
            }
        })
        .collect()
}

fn foreign_keys_of<E: EntityTrait>() -> Vec<ForeignKeyInfo> {
    E::Relation::iter()
        .map(|rel| rel.def())
        .filter_map(|def| {
            // A belongs_to: from one of our columns to the parent's `id`.
            let (Identity::Unary(column), Identity::Unary(target)) = (&def.from_col, &def.to_col)
            else {
                return None;
            };
            if target.inner() != "id" || column.inner() == "id" {
                return None;
            }
            Some(ForeignKeyInfo {
                column: column.inner().into_owned(),
                references: def.to_tbl.sea_orm_table().inner().into_owned(),
                on_delete: def.on_delete.as_ref().map(action_sql),
            })
        })
        .collect()
}

fn action_sql(action: &ForeignKeyAction) -> String {
    match action {
        ForeignKeyAction::Cascade => "CASCADE",
        ForeignKeyAction::SetNull => "SET NULL",
        ForeignKeyAction::SetDefault => "SET DEFAULT",
        ForeignKeyAction::Restrict => "RESTRICT",
        _ => "NO ACTION",
    }
    .to_owned()
}

/// The Postgres spelling (as `format_type` prints it) of a SeaORM column type.
pub fn pg_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Text | ColumnType::String(_) | ColumnType::Char(_) => "text".into(),
        ColumnType::Boolean => "boolean".into(),
        ColumnType::SmallInteger => "smallint".into(),
        ColumnType::Integer => "integer".into(),
        ColumnType::BigInteger => "bigint".into(),
        ColumnType::Float => "real".into(),
        ColumnType::Double => "double precision".into(),
        ColumnType::Json => "json".into(),
        ColumnType::JsonBinary => "jsonb".into(),
        ColumnType::TimestampWithTimeZone => "timestamp with time zone".into(),
        ColumnType::Timestamp | ColumnType::DateTime => "timestamp without time zone".into(),
        ColumnType::Binary(_) | ColumnType::VarBinary(_) | ColumnType::Blob => "bytea".into(),
        ColumnType::Vector(Some(n)) => format!("vector({n})"),
        ColumnType::Vector(None) => "vector".into(),
        ColumnType::Inet => "inet".into(),
        ColumnType::Array(inner) => format!("{}[]", pg_type(inner)),
        ColumnType::Enum { name, .. } => name.to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn registry_lists_every_entity_once_and_seaorm_sees_the_same() {
        let tables = super::tables();
        let mut names: Vec<_> = tables.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), tables.len(), "a table is registered twice");
        // SeaORM's own inventory (feature `entity-registry`) sees the same entities.
        let mut seaorm: Vec<_> = inventory::iter::<sea_orm::EntityRegistry>
            .into_iter()
            .filter(|e| e.module_path.starts_with("entity::"))
            .map(|e| e.module_path.rsplit("::").next().unwrap().to_owned())
            .collect();
        seaorm.sort_unstable();
        assert_eq!(seaorm, names, "the registry and SeaORM's inventory differ");
    }
}
