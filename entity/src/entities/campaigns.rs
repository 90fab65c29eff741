//! `campaigns`: Marketing campaigns of an organization.
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Marketing campaigns of an organization.
///
/// Table `campaigns` (Content and campaigns).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, default_expr = "Expr::cust(\"gen_random_uuid()\")")]
    pub id: Uuid,
    /// Index (organization_id, status).
    pub organization_id: Uuid,
    pub owner_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(default_value = "draft")]
    pub status: CampaignStatus,
    #[sea_orm(column_type = "Text")]
    pub r#type: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub config: Option<Json>,
    #[sea_orm(column_type = "JsonBinary")]
    pub schedule: Option<Json>,
    #[sea_orm(column_type = "JsonBinary")]
    pub budget: Option<Json>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTimeWithTimeZone,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTimeWithTimeZone,
    #[sea_orm(belongs_to, from = "organization_id", to = "id", on_delete = "Cascade")]
    pub organization: BelongsTo<super::organizations::Entity>,
    #[sea_orm(belongs_to, from = "owner_id", to = "id", on_delete = "Cascade")]
    pub owner: BelongsTo<super::users::Entity>,
    #[sea_orm(has_many)]
    pub campaign_metrics: HasMany<super::campaign_metrics::Entity>,
    #[sea_orm(has_many)]
    pub email_sequences: HasMany<super::email_sequences::Entity>,
    #[sea_orm(has_many)]
    pub social_posts: HasMany<super::social_posts::Entity>,
    #[sea_orm(has_many)]
    pub ab_tests: HasMany<super::ab_tests::Entity>,
}

crate::uuid_v7_primary_key!();
