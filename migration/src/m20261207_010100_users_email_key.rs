//! `users.email` is stored normalised, step 2 of 2 (outside a transaction: every step commits on
//! its own, none blocks writers, and each is idempotent, so a run stopped between two is
//! completed by the next):
//!
//! 1. Backfill: the rows not yet normalised (written before step 1's trigger), walking the table
//!    by primary key, 1,000 ids a statement. A row whose normalised address another user took in the meantime
//!    stops the migration with both ids named.
//! 2. `VALIDATE CONSTRAINT users_email_check` (SHARE UPDATE EXCLUSIVE: reads and writes go on).
//! 3. The unique key becomes a plain one: `users_email_key` on `(email)` instead of
//!    `(lower(email))`, built `CONCURRENTLY` beside the old one (as `users_email_next_key`),
//!    the old one dropped `CONCURRENTLY`, the new one renamed. Every stored address is
//!    normalised (the check), so `email` is as unique as `lower(email)` was, and an equality on
//!    `email` (what Prisma's `findUnique`, SeaORM and `ON CONFLICT (email)` say) is indexed.
//! 4. `auth_user_id_by_email(email)` normalises its argument and looks it up through the plain
//!    key.

use crate::m20261207_010000_users_email_normalized::normalized;
use crate::util::{build_index_concurrently, drop_index_concurrently, index_definition};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DbErr, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const KEY: &str = "users_email_key";
const NEXT: &str = "users_email_next_key";
const BATCH: u32 = 1_000;

fn lookup_sql(condition: &str) -> String {
    format!(
        "CREATE OR REPLACE FUNCTION auth_user_id_by_email(p_email text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT u.id FROM public.users u WHERE {condition} $fn$;"
    )
}

/// Replace the unique key by one on `definition` (after `ON users`) unless `users_email_key`
/// already is `wanted` (the end of its `pg_get_indexdef`).
async fn swap_key(
    manager: &SchemaManager<'_>,
    definition: &str,
    wanted: &str,
) -> Result<(), DbErr> {
    let current = index_definition(manager, KEY).await?;
    if current.as_deref().is_some_and(|def| def.ends_with(wanted)) {
        return Ok(());
    }
    build_index_concurrently(manager, NEXT, &format!("users {definition}"), true).await?;
    drop_index_concurrently(manager, KEY).await?;
    manager
        .get_connection()
        .execute_unprepared(&format!(
            "-- No client names this index: the rename gives the new key the name the old one\n\
             -- had (a brief lock on the index only).\n\
             -- squawk-ignore renaming-object\n\
             ALTER INDEX IF EXISTS {NEXT} RENAME TO {KEY}"
        ))
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let email = normalized("email");
        // Walk the table by primary key, 1,000 ids a statement, each its own transaction.
        let mut last = String::from("00000000-0000-0000-0000-000000000000");
        loop {
            let row = db
                .query_one_raw(Statement::from_sql_and_values(
                    manager.get_database_backend(),
                    format!(
                        "WITH batch AS (SELECT id FROM users WHERE id > $1::uuid ORDER BY id LIMIT {BATCH}), \
                         fixed AS (UPDATE users u SET email = {email} FROM batch b \
                         WHERE u.id = b.id AND u.email <> {email}) \
                         SELECT (SELECT id FROM batch ORDER BY id DESC LIMIT 1)::text AS last"
                    ),
                    [last.clone().into()],
                ))
                .await
                .map_err(|e| {
                    DbErr::Migration(format!(
                        "normalising users.email: {e}. Another user holds the same address once \
                         lower-cased and trimmed: merge those users or change one address, then \
                         migrate again"
                    ))
                })?;
            let next = match row {
                Some(r) => r.try_get::<Option<String>>("", "last")?,
                None => None,
            };
            match next {
                Some(id) => last = id,
                None => break,
            }
        }
        db.execute_unprepared(
            "-- Validating a validated constraint does nothing: a rerun is safe.\n\
             -- squawk-ignore prefer-robust-stmts\n\
             ALTER TABLE users VALIDATE CONSTRAINT users_email_check",
        )
        .await?;
        swap_key(manager, "(email)", "USING btree (email)").await?;
        db.execute_unprepared(&lookup_sql(&format!("u.email = {}", normalized("p_email"))))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&lookup_sql(
            "pg_catalog.lower(u.email) = pg_catalog.lower(p_email)",
        ))
        .await?;
        swap_key(manager, "(lower(email))", "USING btree (lower(email))").await?;
        // The check as step 1 left it: NOT VALID (adding it back that way takes milliseconds).
        db.execute_unprepared(&format!(
            "-- One query string, so one implicit transaction: both or neither.\n\
             -- squawk-ignore prefer-robust-stmts\n\
             ALTER TABLE users DROP CONSTRAINT users_email_check;\n\
             ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email = {}) NOT VALID",
            normalized("email")
        ))
        .await?;
        Ok(())
    }
}
