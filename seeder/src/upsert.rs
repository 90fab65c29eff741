//! The one generic upsert every fixture row goes through.
//!
//! A fixture row is an entity's `ActiveModel` plus the key that identifies it: a natural unique
//! key of the schema (`users.email` among them: stored normalised, under a plain unique key) or
//! the primary key (for tables without a natural key, whose fixtures carry deterministic ids). The row is written with
//!
//! ```sql
//! INSERT INTO t (...) VALUES (...)
//! ON CONFLICT (<key>) DO UPDATE SET <fixture columns> = excluded.<...>
//!     WHERE (t.<fixture columns>) IS DISTINCT FROM (excluded.<...>)
//! RETURNING id, (xmax = 0) AS inserted
//! ```
//!
//! so that a missing row is created, a row that drifted from its fixture is brought back (and
//! its `updated_at` moves, by trigger, because it did change), and a row equal to its fixture is
//! not touched at all: no new version, no timestamp change. No row back means "unchanged"; its
//! id is then read by the natural key. Only the columns the fixture sets are written or
//! compared: database defaults (`created_at`, counters, ...) are never overwritten.

use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, DbBackend, EntityName, EntityTrait, IdenStatic,
    Iterable, PrimaryKeyToColumn, QueryFilter, QuerySelect, QueryTrait, Statement, Value,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The column type of active model `A`'s entity.
pub(crate) type ColumnOf<A> = <<A as ActiveModelTrait>::Entity as EntityTrait>::Column;

/// How a fixture row finds its existing twin.
pub(crate) enum Key<C> {
    /// The primary key: the fixture carries a deterministic id (or composite key).
    Primary,
    /// A unique key over these columns (`NULLS NOT DISTINCT` where the spec says so).
    Unique(Vec<C>),
}

/// A type-erased fixture row, ready to be written.
pub(crate) trait FixtureRow: Send + Sync {
    /// Table the row belongs to.
    fn table(&self) -> &'static str;
    /// Human-readable identity of the fixture (for error messages).
    fn identity(&self) -> &str;
    /// The row's `id`, if its table has a single uuid primary key.
    fn id(&self) -> Option<Uuid>;
    /// Replace every uuid column value found in `ids` (fixture id -> id in the database), so
    /// that foreign keys point at rows that existed before the seed under another id.
    fn remap(&mut self, ids: &HashMap<Uuid, Uuid>);
    /// Whether the row is only ever inserted, never updated (append-only tables).
    fn set_insert_only(&mut self);
    /// The upsert statement; it returns a row (`id`?, `inserted`) when it wrote something.
    fn upsert(&self) -> Statement;
    /// A query of the row's `id` by its natural key (`None` when the key is the id itself).
    fn lookup(&self) -> Option<Statement>;
    /// Names of the columns the fixture sets to a non-NULL value (for the secret check).
    #[cfg(test)]
    fn set_columns(&self) -> Vec<(&'static str, sea_orm::sea_query::ColumnType)>;
}

/// A fixture row of entity `A::Entity`.
pub(crate) struct Row<A: ActiveModelTrait> {
    identity: String,
    model: A,
    key: Key<ColumnOf<A>>,
    insert_only: bool,
}

impl<A: ActiveModelTrait> Row<A> {
    /// A row identified by `key`.
    pub(crate) fn new(identity: impl Into<String>, model: A, key: Key<ColumnOf<A>>) -> Self {
        Self {
            identity: identity.into(),
            model,
            key,
            insert_only: false,
        }
    }
}

fn primary_key_columns<A: ActiveModelTrait>() -> Vec<ColumnOf<A>> {
    <A::Entity as EntityTrait>::PrimaryKey::iter()
        .map(PrimaryKeyToColumn::into_column)
        .collect()
}

fn quoted(table: &str, column: &str) -> String {
    format!("\"{table}\".\"{column}\"")
}

impl<A> FixtureRow for Row<A>
where
    A: ActiveModelTrait + Send + Sync + 'static,
{
    fn table(&self) -> &'static str {
        A::Entity::default().table_name()
    }

    fn identity(&self) -> &str {
        &self.identity
    }

    fn id(&self) -> Option<Uuid> {
        match primary_key_columns::<A>().as_slice() {
            [pk] => match self.model.get(*pk) {
                ActiveValue::Set(Value::Uuid(Some(id)))
                | ActiveValue::Unchanged(Value::Uuid(Some(id))) => Some(id),
                _ => None,
            },
            _ => None,
        }
    }

    fn remap(&mut self, ids: &HashMap<Uuid, Uuid>) {
        let pk = primary_key_columns::<A>();
        for column in ColumnOf::<A>::iter() {
            if pk.len() == 1 && pk[0].as_str() == column.as_str() {
                continue;
            }
            if let ActiveValue::Set(Value::Uuid(Some(old))) = self.model.get(column)
                && let Some(new) = ids.get(&old)
            {
                self.model.set(column, Value::Uuid(Some(*new)));
            }
        }
    }

    fn set_insert_only(&mut self) {
        self.insert_only = true;
    }

    fn upsert(&self) -> Statement {
        let table = self.table();
        let pk = primary_key_columns::<A>();
        let key_columns = match &self.key {
            Key::Primary => pk.clone(),
            Key::Unique(columns) => columns.clone(),
        };
        let mut on_conflict = match &self.key {
            Key::Primary => OnConflict::columns(pk.clone()),
            Key::Unique(columns) => OnConflict::columns(columns.clone()),
        };
        let update: Vec<ColumnOf<A>> = ColumnOf::<A>::iter()
            .filter(|c| self.model.get(*c).is_set())
            .filter(|c| {
                !pk.iter()
                    .chain(&key_columns)
                    .any(|k| k.as_str() == c.as_str())
            })
            .collect();
        if self.insert_only || update.is_empty() {
            on_conflict.do_nothing();
        } else {
            let list = |qualifier: &str| {
                update
                    .iter()
                    .map(|c| quoted(qualifier, c.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            on_conflict
                .update_columns(update.clone())
                .action_and_where(Expr::cust(format!(
                    "({}) IS DISTINCT FROM ({})",
                    list(table),
                    list("excluded")
                )));
        }
        let mut returning = Vec::new();
        if self.id().is_some() {
            returning.push(Expr::col(pk[0]));
        }
        returning.push(Expr::cust("(xmax = 0) AS inserted"));
        let mut insert = A::Entity::insert(self.model.clone())
            .on_conflict(on_conflict)
            .into_query();
        insert.returning(Query::returning().exprs(returning));
        DbBackend::Postgres.build(&insert)
    }

    fn lookup(&self) -> Option<Statement> {
        let pk = match primary_key_columns::<A>().as_slice() {
            [pk] => *pk,
            _ => return None,
        };
        let value = |c: ColumnOf<A>| self.model.get(c).into_value().unwrap_or(Value::Uuid(None));
        let select = A::Entity::find().select_only().column(pk);
        let select = match &self.key {
            Key::Primary => return None,
            Key::Unique(columns) => columns
                .iter()
                .fold(select, |s, c| s.filter(c.eq(value(*c)))),
        };
        Some(select.build(DbBackend::Postgres))
    }

    #[cfg(test)]
    fn set_columns(&self) -> Vec<(&'static str, sea_orm::sea_query::ColumnType)> {
        ColumnOf::<A>::iter()
            .filter(|c| match self.model.get(*c) {
                ActiveValue::Set(v) | ActiveValue::Unchanged(v) => v != v.as_null(),
                ActiveValue::NotSet => false,
            })
            .map(|c| (c.as_str(), c.def().get_column_type().clone()))
            .collect()
    }
}
