//! One row of every table of people and organizations: users and their sign-in rows, organizations, roles, permissions, members, API keys, team members.

use super::{Ids, ts};
use entity::prelude::*;
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;

/// Insert the rows of this domain under `tag` (each checked to read back equal) and record their
/// ids; the rows they point at are in `ids` already.
pub async fn insert(db: &DatabaseConnection, tag: &str, ids: &mut Ids) {
    row!(
        db,
        ids,
        users {
            email: Set(format!("users.email-{tag}")),
            name: Set(Some(format!("users.name-{tag}"))),
            image: Set(Some(format!("users.image-{tag}"))),
            email_verified_at: Set(Some(ts())),
            stripe_customer_id: Set(Some(format!("users.stripe_customer_id-{tag}"))),
            is_beta_user: Set(true),
            ..users::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        accounts {
            user_id: Set(ids["users"]),
            r#type: Set(format!("accounts.type-{tag}")),
            provider: Set(format!("accounts.provider-{tag}")),
            provider_account_id: Set(format!("accounts.provider_account_id-{tag}")),
            refresh_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            access_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            expires_at: Set(Some(1_999)),
            token_type: Set(Some(format!("accounts.token_type-{tag}"))),
            scope: Set(Some(format!("accounts.scope-{tag}"))),
            id_token: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            session_state: Set(Some(format!("accounts.session_state-{tag}"))),
            ..accounts::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        sessions {
            user_id: Set(ids["users"]),
            token_hash: Set(format!("sessions.token_hash-{tag}")),
            expires_at: Set(ts()),
            ..sessions::ActiveModel::new()
        }
    );
    let verification_tokens = verification_tokens::ActiveModel {
        identifier: Set(format!("verification_tokens.identifier-{tag}")),
        token_hash: Set(format!("verification_tokens.token_hash-{tag}")),
        expires_at: Set(ts()),
    }
    .insert(db)
    .await
    .expect("insert verification_tokens");
    let back = verification_tokens::Entity::find_by_id((
        verification_tokens.identifier.clone(),
        verification_tokens.token_hash.clone(),
    ))
    .one(db)
    .await
    .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&verification_tokens),
        "verification_tokens reads back"
    );
    row!(
        db,
        ids,
        user_settings {
            user_id: Set(ids["users"]),
            brand_voice: Set(Some(
                json!({"table": "user_settings", "column": "brand_voice"}),
            )),
            email_notifications: Set(true),
            push_notifications: Set(true),
            notification_frequency: Set(format!("user_settings.notification_frequency-{tag}")),
            timezone: Set(format!("user_settings.timezone-{tag}")),
            locale: Set(format!("user_settings.locale-{tag}")),
            date_format: Set(format!("user_settings.date_format-{tag}")),
            data_retention_days: Set(3),
            allow_analytics: Set(true),
            allow_personalization: Set(true),
            api_rate_limit: Set(3),
            webhook_url: Set(Some(format!("user_settings.webhook_url-{tag}"))),
            webhook_secret: Set(Some(vec![0xde, 0xad, 0xbe, 0xef])),
            ..user_settings::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        organizations {
            slug: Set(format!("organizations.slug-{tag}")),
            name: Set(format!("organizations.name-{tag}")),
            plan: Set(format!("organizations.plan-{tag}")),
            settings: Set(Some(
                json!({"table": "organizations", "column": "settings"}),
            )),
            ..organizations::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        organization_roles {
            organization_id: Set(ids["organizations"]),
            name: Set(format!("organization_roles.name-{tag}")),
            slug: Set(format!("organization_roles.slug-{tag}")),
            description: Set(Some(format!("organization_roles.description-{tag}"))),
            ..organization_roles::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        organization_permissions {
            organization_id: Set(ids["organizations"]),
            // The fixture user's role manages the workspace (members, roles).
            key: Set("workspace:manage".to_owned()),
            description: Set(Some(format!("organization_permissions.description-{tag}"))),
            ..organization_permissions::ActiveModel::new()
        }
    );
    let role_permissions = role_permissions::ActiveModel {
        role_id: Set(ids["organization_roles"]),
        permission_id: Set(ids["organization_permissions"]),
        organization_id: Set(ids["organizations"]),
    }
    .insert(db)
    .await
    .expect("insert role_permissions");
    let back = role_permissions::Entity::find_by_id((
        role_permissions.role_id,
        role_permissions.permission_id,
    ))
    .one(db)
    .await
    .unwrap();
    assert_eq!(
        back.as_ref(),
        Some(&role_permissions),
        "role_permissions reads back"
    );
    row!(
        db,
        ids,
        organization_members {
            organization_id: Set(ids["organizations"]),
            user_id: Set(ids["users"]),
            role_id: Set(Some(ids["organization_roles"])),
            // Active: a user enters their organization only as an active member.
            status: Set("active".to_owned()),
            invited_by_id: Set(Some(ids["users"])),
            joined_at: Set(ts()),
            ..organization_members::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        api_keys {
            organization_id: Set(ids["organizations"]),
            created_by_id: Set(ids["users"]),
            name: Set(format!("api_keys.name-{tag}")),
            key_prefix: Set(format!("api_keys.key_prefix-{tag}")),
            token_hash: Set(format!("api_keys.token_hash-{tag}")),
            scopes: Set(vec!["alpha".to_owned(), "beta".to_owned()]),
            last_used_at: Set(Some(ts())),
            expires_at: Set(Some(ts())),
            revoked_at: Set(Some(ts())),
            ..api_keys::ActiveModel::new()
        }
    );
    row!(
        db,
        ids,
        team_members {
            organization_id: Set(Some(ids["organizations"])),
            user_id: Set(ids["users"]),
            role: Set(format!("team_members.role-{tag}")),
            department: Set(Some(format!("team_members.department-{tag}"))),
            status: Set(format!("team_members.status-{tag}")),
            invited_by_id: Set(Some(ids["users"])),
            invited_at: Set(Some(ts())),
            joined_at: Set(ts()),
            metadata: Set(Some(json!({"table": "team_members", "column": "metadata"}))),
            ..team_members::ActiveModel::new()
        }
    );
}
