//! `metric_events`: Raw product metric events.
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Raw product metric events.
///
/// Table `metric_events` (Content and campaigns).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "metric_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (type).
    #[sea_orm(column_type = "Text")]
    pub r#type: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub meta: Json,
    /// Index (created_at).
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
}

crate::uuid_v7_primary_key!();
