//! Column, key and index builders shared by the migrations.
//!
//! These helpers encode the naming conventions of the schema spec (`<table>_<columns>_key`,
//! `<table>_<columns>_idx`, `<table>_<column>_fkey`, `<table>_<column>_check`). Applied
//! migrations depend on their exact output, so treat every function here as frozen: to change
//! what a helper produces, add a new helper and use it in a new migration.

use sea_orm_migration::{prelude::*, schema::*};

/// `id uuid PRIMARY KEY DEFAULT gen_random_uuid()`.
pub fn pk_id() -> ColumnDef {
    uuid("id")
        .default(Expr::cust("gen_random_uuid()"))
        .primary_key()
        .take()
}

/// `created_at timestamptz NOT NULL DEFAULT now()`.
pub fn created_at() -> ColumnDef {
    timestamp_with_time_zone("created_at")
        .default(Expr::cust("now()"))
        .take()
}

/// `updated_at timestamptz NOT NULL DEFAULT now()`, kept current by the `set_updated_at` trigger.
pub fn updated_at() -> ColumnDef {
    timestamp_with_time_zone("updated_at")
        .default(Expr::cust("now()"))
        .take()
}

/// A nullable pgvector column of `dim` dimensions.
pub fn vector_null(name: &'static str, dim: u32) -> ColumnDef {
    ColumnDef::new(name).vector(Some(dim)).null().take()
}

/// A nullable `inet` column.
pub fn inet_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).inet().null().take()
}

/// Foreign key `<table>_<column>_fkey` from `table.column` to `target.id`.
pub fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("{table}_{column}_fkey"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .take()
}

/// Check constraint `<table>_<column>_check` with the given SQL condition.
pub fn check(table: &str, column: &str, condition: &str) -> Check {
    Check::named(
        format!("{table}_{column}_check"),
        Expr::cust(condition.to_owned()),
    )
}

fn index_over(table: &'static str, columns: &[&'static str], suffix: &str) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(format!("{table}_{}_{suffix}", columns.join("_")))
        .table(table);
    for column in columns {
        index.col(*column);
    }
    index
}

/// B-tree index `<table>_<columns>_idx`.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    index_over(table, columns, "idx")
}

/// Unique index `<table>_<columns>_key`.
pub fn unique(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    index_over(table, columns, "key").unique().take()
}

/// Unique index `<table>_<columns>_key` with `NULLS NOT DISTINCT`, for keys over a nullable
/// column that idempotent upserts must be able to conflict on.
pub fn unique_nulls_not_distinct(
    table: &'static str,
    columns: &[&'static str],
) -> IndexCreateStatement {
    unique(table, columns).nulls_not_distinct().take()
}

/// Create `tables` in order, then `indexes`.
pub async fn create_tables<const T: usize, const I: usize>(
    manager: &SchemaManager<'_>,
    tables: [TableCreateStatement; T],
    indexes: [IndexCreateStatement; I],
) -> Result<(), DbErr> {
    for table in tables {
        manager.create_table(table).await?;
    }
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drop `tables` in reverse order (children before parents); their indexes go with them.
pub async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables.iter().rev() {
        manager
            .drop_table(Table::drop().table(*table).to_owned())
            .await?;
    }
    Ok(())
}

/// Build index `name` with `CREATE INDEX CONCURRENTLY IF NOT EXISTS name ON <definition>`,
/// for tables that may already hold data: writes are never blocked. Call it from a migration
/// whose `use_transaction()` is `Some(false)` (CONCURRENTLY cannot run in a transaction).
///
/// A build that failed earlier (a lock timeout, a cancelled deploy) leaves an INVALID index
/// behind that `IF NOT EXISTS` would silently keep; it is dropped (concurrently) and built again.
pub async fn create_index_concurrently(
    manager: &SchemaManager<'_>,
    name: &str,
    definition: &str,
) -> Result<(), DbErr> {
    build_index_concurrently(manager, name, definition, false).await
}

/// [`create_index_concurrently`] of a UNIQUE index when `unique` is true.
pub async fn build_index_concurrently(
    manager: &SchemaManager<'_>,
    name: &str,
    definition: &str,
    unique: bool,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let leftover = db
        .query_one_raw(sea_orm_migration::sea_orm::Statement::from_sql_and_values(
            manager.get_database_backend(),
            "SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1)",
            [name.into()],
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "invalid"))
        .transpose()?
        .unwrap_or(false);
    if leftover {
        db.execute_unprepared(&format!("DROP INDEX CONCURRENTLY IF EXISTS {name}"))
            .await?;
    }
    db.execute_unprepared(&format!(
        "CREATE {}INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
        if unique { "UNIQUE " } else { "" }
    ))
    .await?;
    Ok(())
}

/// Drop index `name` with `DROP INDEX CONCURRENTLY IF EXISTS` (outside a transaction).
pub async fn drop_index_concurrently(manager: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute_unprepared(&format!("DROP INDEX CONCURRENTLY IF EXISTS {name}"))
        .await?;
    Ok(())
}

/// `pg_get_indexdef` of index `name`, if it exists.
pub async fn index_definition(
    manager: &SchemaManager<'_>,
    name: &str,
) -> Result<Option<String>, DbErr> {
    manager
        .get_connection()
        .query_one_raw(sea_orm_migration::sea_orm::Statement::from_sql_and_values(
            manager.get_database_backend(),
            "SELECT pg_get_indexdef(to_regclass($1)) AS def WHERE to_regclass($1) IS NOT NULL",
            [name.into()],
        ))
        .await?
        .map(|row| row.try_get::<String>("", "def"))
        .transpose()
}

/// Replace index `name` of `table` by one built on `definition` (what follows the table in
/// `CREATE INDEX ... ON <table>`) without blocking writes: built CONCURRENTLY beside it as
/// `<name without _idx>_next_idx`, the old one dropped concurrently, the new one renamed to
/// `name`. Each step is idempotent, so a run stopped between two (a lock timeout, a killed
/// deploy) is completed by the next. The build takes minutes per million rows and blocks no
/// writer: outside a transaction it runs without a statement timeout (see [`crate::guard`]);
/// the rename, the only step that waits for a lock on the index alone, carries the runner's
/// lock timeout with `SET LOCAL` in its own implicit transaction. Outside a transaction only.
pub async fn replace_index_concurrently(
    manager: &SchemaManager<'_>,
    table: &str,
    name: &str,
    definition: &str,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let next = format!("{}_next_idx", name.trim_end_matches("_idx"));
    create_index_concurrently(manager, &next, &format!("{table} {definition}")).await?;
    drop_index_concurrently(manager, name).await?;
    db.execute_unprepared(&format!(
        "-- No client names this index: the rename gives the new one the name the old one\n\
         -- had (a brief lock on the index only).\n\
         SET LOCAL lock_timeout = '{}';\n\
         -- squawk-ignore renaming-object\n\
         ALTER INDEX IF EXISTS {next} RENAME TO {name}",
        crate::guard::setting(crate::guard::lock_timeout())
    ))
    .await?;
    Ok(())
}
