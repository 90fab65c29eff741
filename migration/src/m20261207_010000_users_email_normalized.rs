//! `users.email` is stored normalised, so that a plain unique key can serve case-insensitive
//! lookups from every client (Prisma's `findUnique({ where: { email } })`, SeaORM's
//! `Column::Email.eq(…)`, the `auth_*` functions), step 1 of 2 (one transaction, catalog only):
//!
//! - **Refuses** when two users hold the same address once normalised, naming their ids: such
//!   addresses cannot share one plain unique key; merge or change them, then migrate again
//!   (nothing of this migration is applied before the check).
//! - Normalised means `lower(btrim(email) COLLATE "C")`: surrounding spaces trimmed and ASCII
//!   letters lower-cased, the same on every server and in every client. (`lower()` under the
//!   database's own collation follows its locale: Unicode letters with `C.UTF-8` or
//!   `en_US.UTF-8`, ASCII only with `C`; JavaScript's `toLowerCase()` and Rust's
//!   `to_lowercase()` follow Unicode. An address normalised by one and looked up by another
//!   would miss; ASCII is what they all agree on.)
//! - Trigger `users_normalize_email` (BEFORE INSERT OR UPDATE OF email) normalises every write,
//!   so clients may write any case.
//! - `CHECK (email = lower(btrim(email) COLLATE "C")) NOT VALID` (`users_email_check`): holds for
//!   new and changed rows at once, without scanning the table; migration `010100` backfills the
//!   existing rows, validates it and swaps the unique key.
//!
//! Raw SQL: sea-query has no statements for triggers, functions or NOT VALID checks.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The normalised form of the expression `value`: what the check, the trigger, the backfill
/// and the lookups agree on.
pub(crate) fn normalized(value: &str) -> String {
    format!("pg_catalog.lower(pg_catalog.btrim({value}) COLLATE pg_catalog.\"C\")")
}

fn refuse_duplicates() -> String {
    format!(
        r#"DO $$
DECLARE
    groups text;
    n bigint;
BEGIN
    SELECT count(*), string_agg(g.ids, '; ') INTO n, groups
      FROM (SELECT string_agg(u.id::text, ', ' ORDER BY u.id) AS ids
              FROM users u GROUP BY {key} HAVING count(*) > 1
             ORDER BY 1 LIMIT 20) g;
    IF n > 0 THEN
        RAISE EXCEPTION 'users: % email address(es) belong to more than one user once lower-cased and trimmed (user ids: %)', n, groups
            USING ERRCODE = 'unique_violation',
                  HINT = 'Merge those users or change their addresses (make export-user / erase-user), then migrate again: nothing of this migration was applied.';
    END IF;
END
$$"#,
        key = normalized("u.email")
    )
}

fn up_sql() -> String {
    format!(
        r#"CREATE FUNCTION users_normalize_email() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.email := {new};
    RETURN NEW;
END
$$;
CREATE TRIGGER users_normalize_email BEFORE INSERT OR UPDATE OF email ON users
    FOR EACH ROW EXECUTE FUNCTION users_normalize_email();
ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email = {email}) NOT VALID;
"#,
        new = normalized("NEW.email"),
        email = normalized("email"),
    )
}

const DOWN: &str = r#"ALTER TABLE users DROP CONSTRAINT users_email_check;
DROP TRIGGER users_normalize_email ON users;
DROP FUNCTION users_normalize_email();
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&refuse_duplicates()).await?;
        db.execute_unprepared(&up_sql()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(DOWN).await?;
        Ok(())
    }
}
