//! One row of every table of connectors: connectors, their authorisations, trigger and action configurations, credentials.

use super::{Ids, ts};
use entity::enums::*;
use entity::prelude::*;
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;

/// Insert the rows of this domain under `tag` (each checked to read back equal) and record their
/// ids; the rows they point at are in `ids` already.
pub async fn insert(db: &DatabaseConnection, tag: &str, ids: &mut Ids) {
    row!(
        db,
        ids,
        connectors {
            name: Set(format!("connectors.name-{tag}")),
            display_name: Set(format!("connectors.display_name-{tag}")),
            description: Set(format!("connectors.description-{tag}")),
            category: Set(ConnectorKind::Email),
            icon_url: Set(Some(format!("connectors.icon_url-{tag}"))),
            website_url: Set(Some(format!("connectors.website_url-{tag}"))),
            auth_type: Set(format!("connectors.auth_type-{tag}")),
            auth_config: Set(json!({"table": "connectors", "column": "auth_config"})),
            is_enabled: Set(true),
            is_verified: Set(true),
            triggers: Set(json!({"table": "connectors", "column": "triggers"})),
            actions: Set(json!({"table": "connectors", "column": "actions"})),
            metadata: Set(Some(json!({"table": "connectors", "column": "metadata"}))),
            ..connectors::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        connector_auths {
            user_id: Set(ids["users"]),
            connector_id: Set(ids["connectors"]),
            organization_id: Set(Some(ids["organizations"])),
            account_id: Set(Some(format!("connector_auths.account_id-{tag}"))),
            account_name: Set(Some(format!("connector_auths.account_name-{tag}"))),
            access_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            refresh_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            api_key: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            api_secret: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            scope: Set(Some(format!("connector_auths.scope-{tag}"))),
            token_type: Set(Some(format!("connector_auths.token_type-{tag}"))),
            expires_at: Set(Some(ts())),
            status: Set(format!("connector_auths.status-{tag}")),
            last_used_at: Set(Some(ts())),
            last_error: Set(Some(format!("connector_auths.last_error-{tag}"))),
            metadata: Set(Some(
                json!({"table": "connector_auths", "column": "metadata"}),
            )),
            ..connector_auths::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        trigger_configs {
            connector_auth_id: Set(ids["connector_auths"]),
            name: Set(format!("trigger_configs.name-{tag}")),
            trigger_type: Set(format!("trigger_configs.trigger_type-{tag}")),
            config: Set(json!({"table": "trigger_configs", "column": "config"})),
            is_active: Set(true),
            last_triggered_at: Set(Some(ts())),
            trigger_count: Set(3),
            metadata: Set(Some(
                json!({"table": "trigger_configs", "column": "metadata"}),
            )),
            ..trigger_configs::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        action_configs {
            connector_auth_id: Set(ids["connector_auths"]),
            name: Set(format!("action_configs.name-{tag}")),
            action_type: Set(format!("action_configs.action_type-{tag}")),
            config: Set(json!({"table": "action_configs", "column": "config"})),
            is_active: Set(true),
            last_executed_at: Set(Some(ts())),
            execution_count: Set(3),
            metadata: Set(Some(
                json!({"table": "action_configs", "column": "metadata"}),
            )),
            ..action_configs::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        credentials {
            user_id: Set(ids["users"]),
            provider: Set(format!("credentials.provider-{tag}")),
            account_id: Set(Some(format!("credentials.account_id-{tag}"))),
            access_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            refresh_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            access_secret: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            scope: Set(Some(format!("credentials.scope-{tag}"))),
            token_type: Set(Some(format!("credentials.token_type-{tag}"))),
            expires_at: Set(Some(ts())),
            status: Set(format!("credentials.status-{tag}")),
            last_used_at: Set(Some(ts())),
            ..credentials::ActiveModel::new()
        }
    );
}
