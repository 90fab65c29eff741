//! `add_connector_kind_enum`: creates `connector_kind` (15 channels) and converts
//! `connectors.category` from `text` with a `USING` cast.
//!
//! Before converting it looks for categories that are not enum members; if there are any it
//! fails with a message listing them and changes nothing (the migration runs in one
//! transaction). `down` converts back to `text` without losing values.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DbBackend, Statement};
use sea_orm_migration::sea_query::extension::postgres::Type;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The channels, in database spelling and order.
const CONNECTOR_KINDS: &[&str] = &[
    "EMAIL",
    "SMS",
    "WHATSAPP",
    "REDDIT",
    "INSTAGRAM",
    "FACEBOOK",
    "X",
    "YOUTUBE",
    "TIKTOK",
    "GOOGLE_ADS",
    "SHOPIFY",
    "STRIPE",
    "SLACK",
    "DISCORD",
    "LINKEDIN",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let unknown = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT category, count(*) AS n FROM connectors \
                 WHERE NOT (category = ANY($1)) GROUP BY category ORDER BY category",
                [CONNECTOR_KINDS
                    .iter()
                    .map(|k| (*k).to_owned())
                    .collect::<Vec<_>>()
                    .into()],
            ))
            .await?;
        if !unknown.is_empty() {
            let mut found = Vec::new();
            for row in &unknown {
                let category: String = row.try_get("", "category")?;
                let n: i64 = row.try_get("", "n")?;
                found.push(format!("{category:?} ({n} rows)"));
            }
            return Err(DbErr::Migration(format!(
                "add_connector_kind_enum: connectors.category has values that are not connector_kind \
                 members: {}. Valid values: {}. Update or delete those connectors, then run the \
                 migration again; no data was changed.",
                found.join(", "),
                CONNECTOR_KINDS.join(", ")
            )));
        }
        manager
            .create_type(
                Type::create()
                    .as_enum("connector_kind")
                    .values(CONNECTOR_KINDS.iter().copied())
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "-- connectors is the small global catalogue (one row per channel): the rewrite takes \
             milliseconds.\n\
             -- squawk-ignore changing-column-type\n\
             ALTER TABLE connectors ALTER COLUMN category TYPE connector_kind \
             USING category::connector_kind",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "-- connectors is the small global catalogue: the rewrite takes milliseconds.\n\
                 -- squawk-ignore changing-column-type\n\
                 ALTER TABLE connectors ALTER COLUMN category TYPE text USING category::text",
            )
            .await?;
        manager
            .drop_type(Type::drop().name("connector_kind").to_owned())
            .await
    }
}
