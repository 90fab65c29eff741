//! What a tenant context is entered with: a credential the database checks.
//!
//! - [`Credential::Session`]: a signed-in user's session token (by its hash), acting in one of
//!   their organizations (or in none, for their own rows);
//! - [`Credential::ApiKey`]: an API key (by its hash), acting for its organization as the user
//!   who created it;
//! - [`Credential::Ticket`]: a [`Ticket`] the API signs with a [`TicketKey`] (HMAC-SHA256), for
//!   users signed in some other way (a JWT) and for background jobs ([`TicketKey::worker`]: an
//!   organization and no user). The key is given to the API as `NEONHUB_TICKET_KEYS` and
//!   installed into the database by its owner (`seeder ticket-keys`); it never travels through
//!   the application's SQL, so SQL injected into the application cannot make a ticket.

use crate::secrets::{KEY_LEN, SecretError, SecretKey, key_list_from_env, parse_key_list};
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};
use sha2::Sha256;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use uuid::Uuid;

use super::Tenant;

/// The environment variable holding the API's ticket keys: `id:base64,id:base64`, the first
/// signs (the syntax of `NEONHUB_SECRET_KEYS`; make a key with `openssl rand -base64 32`).
pub const TICKET_KEYS_ENV: &str = "NEONHUB_TICKET_KEYS";

/// The longest a ticket may be valid: the database refuses longer ones.
pub const MAX_TICKET_LIFETIME: Duration = Duration::from_secs(300);

/// How long [`TicketKey::ticket`] and [`TicketKey::worker`] tickets are valid.
pub const DEFAULT_TICKET_LIFETIME: Duration = Duration::from_secs(60);

/// The version tag that starts every ticket.
const TICKET_VERSION: &str = "nht1";

/// A credential that enters a tenant context ([`super::with_tenant`], [`super::enter`]).
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// A live session: the user of `sessions.token_hash`, in `organization_id` (where they must
    /// be an active member) or in no organization (their own rows only).
    Session {
        /// `secrets::token_hash` of the session token.
        token_hash: String,
        /// The organization to act in.
        organization_id: Option<Uuid>,
    },
    /// A usable API key: its organization, acting as its creator (who must still be an active
    /// member).
    ApiKey {
        /// `secrets::token_hash` of the key.
        token_hash: String,
    },
    /// A ticket signed by the API.
    Ticket(Ticket),
}

impl Credential {
    /// The session whose token the client presented (hashed here), acting in `organization_id`.
    pub fn session_token(token: &str, organization_id: Option<Uuid>) -> Self {
        Self::Session {
            token_hash: crate::secrets::token_hash(token),
            organization_id,
        }
    }

    /// The API key the client presented (hashed here).
    pub fn api_key(key: &str) -> Self {
        Self::ApiKey {
            token_hash: crate::secrets::token_hash(key),
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Session {
                organization_id, ..
            } => f
                .debug_struct("Session")
                .field("organization_id", organization_id)
                .finish_non_exhaustive(),
            Self::ApiKey { .. } => f.debug_struct("ApiKey").finish_non_exhaustive(),
            Self::Ticket(ticket) => ticket.fmt(f),
        }
    }
}

/// A signed ticket: `nht1:<key id>:<organization>:<user>:<expires, unix s>:<HMAC-SHA256 hex>`
/// (an absent organization or user is empty). Valid for at most [`MAX_TICKET_LIFETIME`].
#[derive(Clone, PartialEq, Eq)]
pub struct Ticket {
    text: String,
    tenant: Tenant,
}

impl Ticket {
    /// The ticket as the database takes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whom it names.
    pub fn tenant(&self) -> Tenant {
        self.tenant
    }

    /// Any text as a ticket, unchecked: for tests of the database's refusals.
    #[doc(hidden)]
    pub fn unchecked(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            tenant: Tenant {
                organization_id: None,
                user_id: None,
            },
        }
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("organization_id", &self.tenant.organization_id)
            .field("user_id", &self.tenant.user_id)
            .finish_non_exhaustive()
    }
}

/// A key the API signs tickets with. Its bytes are wiped on drop and never printed.
#[derive(Clone)]
pub struct TicketKey {
    key: SecretKey,
}

impl fmt::Debug for TicketKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TicketKey")
            .field("id", &self.key.id())
            .finish_non_exhaustive()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    out
}

impl TicketKey {
    /// A key from an existing secret key (id and 32 bytes).
    pub fn new(key: SecretKey) -> Self {
        Self { key }
    }

    /// A new random key under `id`.
    ///
    /// # Errors
    /// [`SecretError::MalformedKeys`] for an invalid id, [`SecretError::Random`] when the RNG
    /// fails.
    pub fn generate(id: &str) -> Result<Self, SecretError> {
        Ok(Self {
            key: SecretKey::generate(id)?,
        })
    }

    /// The key's id.
    pub fn id(&self) -> &str {
        self.key.id()
    }

    /// `id:base64`, as `NEONHUB_TICKET_KEYS` lists it (wiped on drop).
    pub fn to_spec(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(format!("{}:{}", self.id(), &*self.key.to_base64()))
    }

    /// A ticket for `tenant`, valid for `lifetime` (at most [`MAX_TICKET_LIFETIME`]: longer is
    /// cut to it).
    pub fn sign(&self, tenant: Tenant, lifetime: Duration) -> Ticket {
        let lifetime = lifetime.min(MAX_TICKET_LIFETIME).as_secs().max(1);
        self.sign_until(tenant, unix_now() + lifetime)
    }

    /// A ticket for `tenant` that expires at `expires` (unix seconds), unchecked: for tests of
    /// the database's refusals.
    #[doc(hidden)]
    pub fn sign_until(&self, tenant: Tenant, expires: u64) -> Ticket {
        let field = |id: Option<Uuid>| id.map(|u| u.to_string()).unwrap_or_default();
        let message = format!(
            "{TICKET_VERSION}:{}:{}:{}:{expires}",
            self.id(),
            field(tenant.organization_id),
            field(tenant.user_id)
        );
        let text = format!("{message}:{}", self.sign_message(&message));
        Ticket { text, tenant }
    }

    /// HMAC-SHA256 of `message` under this key, in lowercase hex (what the database's
    /// `neonhub_private.hmac_hex` computes with the installed key).
    pub(crate) fn sign_message(&self, message: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.key.bytes())
            .expect("HMAC takes a key of any length");
        mac.update(message.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// A credential for `tenant` (an organization and a user, or a user alone), valid for
    /// [`DEFAULT_TICKET_LIFETIME`]: sign one per request.
    pub fn ticket(&self, tenant: Tenant) -> Credential {
        Credential::Ticket(self.sign(tenant, DEFAULT_TICKET_LIFETIME))
    }

    /// A worker credential: `organization_id` with no acting user (background jobs).
    pub fn worker(&self, organization_id: Uuid) -> Credential {
        self.ticket(Tenant::new(organization_id))
    }
}

/// The API's ticket keys: the first signs; all are installed into the database, so that tickets
/// signed by the previous key keep working during a rotation.
#[derive(Clone, Debug)]
pub struct TicketKeys {
    keys: Vec<TicketKey>,
}

impl TicketKeys {
    /// Keys from a list, the first signing.
    ///
    /// # Errors
    /// [`SecretError::MissingKeys`] for none, [`SecretError::DuplicateKeyId`].
    pub fn new(keys: impl IntoIterator<Item = TicketKey>) -> Result<Self, SecretError> {
        let mut out: Vec<TicketKey> = Vec::new();
        for key in keys {
            if out.iter().any(|k| k.id() == key.id()) {
                return Err(SecretError::DuplicateKeyId(key.id().to_owned()));
            }
            out.push(key);
        }
        if out.is_empty() {
            return Err(SecretError::MissingKeys);
        }
        Ok(Self { keys: out })
    }

    /// The keys of `NEONHUB_TICKET_KEYS` (the process environment only).
    ///
    /// # Errors
    /// [`SecretError::MissingKeys`] when unset or empty, and those of [`TicketKeys::parse`].
    pub fn from_env() -> Result<Self, SecretError> {
        Self::parse(&key_list_from_env(TICKET_KEYS_ENV)?)
    }

    /// Keys from `id:base64,id:base64` (32-byte keys), the first signing.
    ///
    /// # Errors
    /// [`SecretError::MalformedKeys`], [`SecretError::WrongKeyLength`],
    /// [`SecretError::DuplicateKeyId`], [`SecretError::MissingKeys`].
    pub fn parse(spec: &str) -> Result<Self, SecretError> {
        Self::new(
            parse_key_list(TICKET_KEYS_ENV, spec)?
                .into_iter()
                .map(TicketKey::new)
                .collect::<Vec<_>>(),
        )
    }

    /// The key that signs.
    pub fn signing(&self) -> &TicketKey {
        &self.keys[0]
    }

    /// Every key, the signing one first.
    pub fn keys(&self) -> &[TicketKey] {
        &self.keys
    }

    /// Install these keys into the database (as its owner): each is stored (a changed secret
    /// under a known id replaces it) and every other key is retired, so tickets signed with a
    /// key that was removed from the list stop working. Returns the ids installed and retired.
    ///
    /// # Errors
    /// The database's, e.g. permission denied for a role that is not the owner.
    pub async fn install<C: ConnectionTrait>(
        &self,
        db: &C,
    ) -> Result<(Vec<String>, Vec<String>), DbErr> {
        let ids: Vec<String> = self.keys.iter().map(|k| k.id().to_owned()).collect();
        for key in &self.keys {
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT neonhub_private.install_ticket_key($1, $2)",
                [key.id().into(), key.key.bytes().to_vec().into()],
            ))
            .await?;
        }
        let retired = db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE neonhub_private.ticket_keys SET retired_at = now() \
                 WHERE retired_at IS NULL AND NOT (key_id = ANY ($1)) RETURNING key_id",
                [ids.clone().into()],
            ))
            .await?
            .iter()
            .map(|r| r.try_get::<String>("", "key_id"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((ids, retired))
    }
}

const _: () = assert!(KEY_LEN == 32);

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> TicketKey {
        TicketKey::new(SecretKey::new("t1", [7; 32]).unwrap())
    }

    #[test]
    fn a_ticket_is_the_documented_format_and_never_printed() {
        let org = Uuid::nil();
        let ticket = key().sign_until(Tenant::new(org), 1_900_000_000);
        let fields: Vec<&str> = ticket.as_str().split(':').collect();
        assert_eq!(
            &fields[..5],
            &["nht1", "t1", &org.to_string(), "", "1900000000"]
        );
        assert_eq!(fields[5].len(), 64);
        // RFC 2104 HMAC-SHA256 of the message with the key: the database recomputes this.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&[7; 32]).unwrap();
        mac.update(fields[..5].join(":").as_bytes());
        assert_eq!(fields[5], hex(&mac.finalize().into_bytes()));
        let debug = format!("{:?}", Credential::Ticket(ticket.clone()));
        assert!(!debug.contains(fields[5]), "{debug}");
        let debug = format!("{:?}", Credential::session_token("secret", None));
        assert!(!debug.contains(&crate::secrets::token_hash("secret")));
    }

    #[test]
    fn lifetimes_are_capped() {
        let ticket = key().sign(Tenant::new(Uuid::nil()), Duration::from_secs(86_400));
        let expires: u64 = ticket.as_str().split(':').nth(4).unwrap().parse().unwrap();
        assert!(expires <= unix_now() + MAX_TICKET_LIFETIME.as_secs());
    }

    #[test]
    fn keys_parse_like_the_secret_keys() {
        let spec = format!(
            "{},{}",
            &*key().to_spec(),
            "old:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        );
        let keys = TicketKeys::parse(&spec).unwrap();
        assert_eq!(keys.signing().id(), "t1");
        assert_eq!(keys.keys().len(), 2);
        assert!(TicketKeys::parse("t1").is_err());
        assert!(TicketKeys::parse("").is_err());
        assert!(TicketKeys::parse("a:AAAA,a:AAAA").is_err());
    }
}
