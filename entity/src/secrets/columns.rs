//! The `"table.column"` contexts of the secret columns, to pass to
//! [`Keyring::seal`](super::Keyring::seal) and [`Keyring::open`](super::Keyring::open).

/// `accounts.refresh_token`.
pub const ACCOUNTS_REFRESH_TOKEN: &str = "accounts.refresh_token";
/// `accounts.access_token`.
pub const ACCOUNTS_ACCESS_TOKEN: &str = "accounts.access_token";
/// `accounts.id_token`.
pub const ACCOUNTS_ID_TOKEN: &str = "accounts.id_token";
/// `user_settings.webhook_secret`.
pub const USER_SETTINGS_WEBHOOK_SECRET: &str = "user_settings.webhook_secret";
/// `connector_auths.access_token`.
pub const CONNECTOR_AUTHS_ACCESS_TOKEN: &str = "connector_auths.access_token";
/// `connector_auths.refresh_token`.
pub const CONNECTOR_AUTHS_REFRESH_TOKEN: &str = "connector_auths.refresh_token";
/// `connector_auths.api_key`.
pub const CONNECTOR_AUTHS_API_KEY: &str = "connector_auths.api_key";
/// `connector_auths.api_secret`.
pub const CONNECTOR_AUTHS_API_SECRET: &str = "connector_auths.api_secret";
/// `credentials.access_token`.
pub const CREDENTIALS_ACCESS_TOKEN: &str = "credentials.access_token";
/// `credentials.refresh_token`.
pub const CREDENTIALS_REFRESH_TOKEN: &str = "credentials.refresh_token";
/// `credentials.access_secret`.
pub const CREDENTIALS_ACCESS_SECRET: &str = "credentials.access_secret";

/// Every secret (sealed) column of the schema.
pub const ALL: &[&str] = &[
    ACCOUNTS_REFRESH_TOKEN,
    ACCOUNTS_ACCESS_TOKEN,
    ACCOUNTS_ID_TOKEN,
    USER_SETTINGS_WEBHOOK_SECRET,
    CONNECTOR_AUTHS_ACCESS_TOKEN,
    CONNECTOR_AUTHS_REFRESH_TOKEN,
    CONNECTOR_AUTHS_API_KEY,
    CONNECTOR_AUTHS_API_SECRET,
    CREDENTIALS_ACCESS_TOKEN,
    CREDENTIALS_REFRESH_TOKEN,
    CREDENTIALS_ACCESS_SECRET,
];
