//! Every Postgres enum type of the schema, as SeaORM active enums (database spelling).
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What kind of agent an agent is. Postgres type `agent_kind`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "agent_kind")]
pub enum AgentKind {
    /// `COPILOT`
    #[sea_orm(string_value = "COPILOT")]
    #[serde(rename = "COPILOT")]
    Copilot,
    /// `WORKFLOW`
    #[sea_orm(string_value = "WORKFLOW")]
    #[serde(rename = "WORKFLOW")]
    Workflow,
    /// `ANALYST`
    #[sea_orm(string_value = "ANALYST")]
    #[serde(rename = "ANALYST")]
    Analyst,
}

/// Lifecycle state of an agent. Postgres type `agent_status`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "agent_status")]
pub enum AgentStatus {
    /// `DRAFT`
    #[sea_orm(string_value = "DRAFT")]
    #[serde(rename = "DRAFT")]
    Draft,
    /// `ACTIVE`
    #[sea_orm(string_value = "ACTIVE")]
    #[serde(rename = "ACTIVE")]
    Active,
    /// `PAUSED`
    #[sea_orm(string_value = "PAUSED")]
    #[serde(rename = "PAUSED")]
    Paused,
    /// `DISABLED`
    #[sea_orm(string_value = "DISABLED")]
    #[serde(rename = "DISABLED")]
    Disabled,
}

/// Who wrote a message. Postgres type `message_role`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "message_role")]
pub enum MessageRole {
    /// `system`
    #[sea_orm(string_value = "system")]
    #[serde(rename = "system")]
    System,
    /// `user`
    #[sea_orm(string_value = "user")]
    #[serde(rename = "user")]
    User,
    /// `assistant`
    #[sea_orm(string_value = "assistant")]
    #[serde(rename = "assistant")]
    Assistant,
    /// `tool`
    #[sea_orm(string_value = "tool")]
    #[serde(rename = "tool")]
    Tool,
}

/// What a conversation is about. Postgres type `conversation_kind`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "conversation_kind")]
pub enum ConversationKind {
    /// `support`
    #[sea_orm(string_value = "support")]
    #[serde(rename = "support")]
    Support,
    /// `campaign`
    #[sea_orm(string_value = "campaign")]
    #[serde(rename = "campaign")]
    Campaign,
    /// `planning`
    #[sea_orm(string_value = "planning")]
    #[serde(rename = "planning")]
    Planning,
    /// `ad_hoc`
    #[sea_orm(string_value = "ad_hoc")]
    #[serde(rename = "ad_hoc")]
    AdHoc,
}

/// What a dataset holds. Postgres type `dataset_kind`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "dataset_kind")]
pub enum DatasetKind {
    /// `documents`
    #[sea_orm(string_value = "documents")]
    #[serde(rename = "documents")]
    Documents,
    /// `faq`
    #[sea_orm(string_value = "faq")]
    #[serde(rename = "faq")]
    Faq,
    /// `analytics`
    #[sea_orm(string_value = "analytics")]
    #[serde(rename = "analytics")]
    Analytics,
}

/// State of a training job. Postgres type `train_status`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "train_status")]
pub enum TrainStatus {
    /// `queued`
    #[sea_orm(string_value = "queued")]
    #[serde(rename = "queued")]
    Queued,
    /// `running`
    #[sea_orm(string_value = "running")]
    #[serde(rename = "running")]
    Running,
    /// `completed`
    #[sea_orm(string_value = "completed")]
    #[serde(rename = "completed")]
    Completed,
    /// `failed`
    #[sea_orm(string_value = "failed")]
    #[serde(rename = "failed")]
    Failed,
    /// `cancelled`
    #[sea_orm(string_value = "cancelled")]
    #[serde(rename = "cancelled")]
    Cancelled,
}

/// What kind of content an item is. Postgres type `content_kind`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "content_kind")]
pub enum ContentKind {
    /// `article`
    #[sea_orm(string_value = "article")]
    #[serde(rename = "article")]
    Article,
    /// `email`
    #[sea_orm(string_value = "email")]
    #[serde(rename = "email")]
    Email,
    /// `social_script`
    #[sea_orm(string_value = "social_script")]
    #[serde(rename = "social_script")]
    SocialScript,
    /// `ad_copy`
    #[sea_orm(string_value = "ad_copy")]
    #[serde(rename = "ad_copy")]
    AdCopy,
}

/// Lifecycle state of a campaign. Postgres type `campaign_status`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "campaign_status")]
pub enum CampaignStatus {
    /// `draft`
    #[sea_orm(string_value = "draft")]
    #[serde(rename = "draft")]
    Draft,
    /// `scheduled`
    #[sea_orm(string_value = "scheduled")]
    #[serde(rename = "scheduled")]
    Scheduled,
    /// `active`
    #[sea_orm(string_value = "active")]
    #[serde(rename = "active")]
    Active,
    /// `paused`
    #[sea_orm(string_value = "paused")]
    #[serde(rename = "paused")]
    Paused,
    /// `completed`
    #[sea_orm(string_value = "completed")]
    #[serde(rename = "completed")]
    Completed,
    /// `archived`
    #[sea_orm(string_value = "archived")]
    #[serde(rename = "archived")]
    Archived,
}

/// The channel a connector speaks: one variant per omni-channel connector. Postgres type `connector_kind`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "connector_kind")]
pub enum ConnectorKind {
    /// `EMAIL`
    #[sea_orm(string_value = "EMAIL")]
    #[serde(rename = "EMAIL")]
    Email,
    /// `SMS`
    #[sea_orm(string_value = "SMS")]
    #[serde(rename = "SMS")]
    Sms,
    /// `WHATSAPP`
    #[sea_orm(string_value = "WHATSAPP")]
    #[serde(rename = "WHATSAPP")]
    Whatsapp,
    /// `REDDIT`
    #[sea_orm(string_value = "REDDIT")]
    #[serde(rename = "REDDIT")]
    Reddit,
    /// `INSTAGRAM`
    #[sea_orm(string_value = "INSTAGRAM")]
    #[serde(rename = "INSTAGRAM")]
    Instagram,
    /// `FACEBOOK`
    #[sea_orm(string_value = "FACEBOOK")]
    #[serde(rename = "FACEBOOK")]
    Facebook,
    /// `X`
    #[sea_orm(string_value = "X")]
    #[serde(rename = "X")]
    X,
    /// `YOUTUBE`
    #[sea_orm(string_value = "YOUTUBE")]
    #[serde(rename = "YOUTUBE")]
    Youtube,
    /// `TIKTOK`
    #[sea_orm(string_value = "TIKTOK")]
    #[serde(rename = "TIKTOK")]
    Tiktok,
    /// `GOOGLE_ADS`
    #[sea_orm(string_value = "GOOGLE_ADS")]
    #[serde(rename = "GOOGLE_ADS")]
    GoogleAds,
    /// `SHOPIFY`
    #[sea_orm(string_value = "SHOPIFY")]
    #[serde(rename = "SHOPIFY")]
    Shopify,
    /// `STRIPE`
    #[sea_orm(string_value = "STRIPE")]
    #[serde(rename = "STRIPE")]
    Stripe,
    /// `SLACK`
    #[sea_orm(string_value = "SLACK")]
    #[serde(rename = "SLACK")]
    Slack,
    /// `DISCORD`
    #[sea_orm(string_value = "DISCORD")]
    #[serde(rename = "DISCORD")]
    Discord,
    /// `LINKEDIN`
    #[sea_orm(string_value = "LINKEDIN")]
    #[serde(rename = "LINKEDIN")]
    Linkedin,
}
