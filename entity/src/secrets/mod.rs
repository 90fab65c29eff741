//! Sealing of secret columns, and API-key and token hashing.
//!
//! # Secret columns hold ciphertext only
//!
//! The `bytea` secret columns ([`columns::ALL`]: OAuth tokens, connector API keys, webhook
//! secrets) never hold plaintext. A [`Keyring`] seals a value before it is stored and opens it
//! after it is read, with XChaCha20-Poly1305 (an AEAD from RustCrypto's `chacha20poly1305`): a
//! fresh random 24-byte nonce from the operating system for every value, so sealing the same
//! plaintext twice gives different bytes.
//!
//! Every value is bound to its column through the AEAD's associated data: seal and open take a
//! *context*, the `"table.column"` name (use the [`columns`] constants). A value copied into
//! another column (say an `api_secret` pasted into `webhook_secret`) fails authentication when
//! opened there. The binding is to the column, not to the row: moving a value between rows of
//! the same column is not detected (pass a richer context, e.g. with the row id, if you need
//! that).
//!
//! # Ciphertext format (version 1)
//!
//! ```text
//! byte 0        format version, 0x01 = XChaCha20-Poly1305
//! byte 1        n, the length of the key id (1..=32)
//! 2 .. 2+n      key id, ASCII [A-Za-z0-9_.-]
//! next 24       random nonce
//! rest          ciphertext (as long as the plaintext) + 16-byte Poly1305 tag
//! ```
//!
//! The associated data is the header (bytes `0 .. 2+n`) followed by the context, so the
//! version and key id are authenticated too. A sealed value is `42 + n` bytes longer than its
//! plaintext.
//!
//! # Keys and rotation
//!
//! Keys are 32 random bytes, named by a short id, given as `NEONHUB_SECRET_KEYS`:
//!
//! ```text
//! NEONHUB_SECRET_KEYS="k2:<base64 of 32 bytes>,k1:<base64 of 32 bytes>"
//! ```
//!
//! Make a key with `openssl rand -base64 32` (or [`Keyring::generate_key`]). The **first** key
//! seals new values; every listed key opens the values sealed under its id. To rotate: put a
//! new key first (`k2:…,k1:…`) and deploy; new values are sealed with `k2`, old ones still open
//! with `k1`; re-seal old rows at leisure ([`Keyring::reseal`], [`sealed_key_id`] tells which
//! key a value uses); drop `k1` once no value uses it. A value whose key id is not configured
//! fails with [`SecretError::UnknownKeyId`]. Errors name key ids and lengths, never key bytes.
//!
//! ```
//! use entity::secrets::{columns, Keyring, SecretKey};
//!
//! # fn main() -> Result<(), entity::secrets::SecretError> {
//! // In production: `let keyring = Keyring::from_env()?;`. Here an obviously fake key.
//! let keyring = Keyring::new([SecretKey::new("k1", [0x42; 32])?])?;
//!
//! let sealed = keyring.seal(b"oauth access token", columns::CONNECTOR_AUTHS_ACCESS_TOKEN)?;
//! // `sealed` goes into `connector_auths.access_token` (`Some(sealed)`).
//! let opened = keyring.open(&sealed, columns::CONNECTOR_AUTHS_ACCESS_TOKEN)?;
//! assert_eq!(&opened[..], b"oauth access token");
//! // Another column's context does not open it.
//! assert!(keyring.open(&sealed, columns::CONNECTOR_AUTHS_API_KEY).is_err());
//!
//! // Rotation: k2 seals from now on, k1 still opens old values.
//! let rotated = Keyring::new([
//!     SecretKey::new("k2", [0x17; 32])?,
//!     SecretKey::new("k1", [0x42; 32])?,
//! ])?;
//! assert_eq!(&rotated.open(&sealed, columns::CONNECTOR_AUTHS_ACCESS_TOKEN)?[..], b"oauth access token");
//! let resealed = rotated.reseal(&sealed, columns::CONNECTOR_AUTHS_ACCESS_TOKEN)?;
//! assert_eq!(entity::secrets::sealed_key_id(&resealed)?, "k2");
//! # Ok(()) }
//! ```
//!
//! # API keys and tokens
//!
//! [`ApiKey::generate`] makes a key `nh_live_` + 43 base62 characters (256 random bits), to
//! show the user once; the database keeps only its display prefix (`api_keys.key_prefix`) and
//! its SHA-256 ([`token_hash`], lowercase hex, in `api_keys.token_hash`). The same hash is what
//! `sessions.token_hash` and `verification_tokens.token_hash` store for tokens made by
//! [`generate_token`]. A plain (unkeyed) SHA-256 is enough here because these tokens are 256-bit
//! random values: there is nothing to guess from a leaked hash, unlike with passwords.
//! [`verify_token`] (and [`ApiKey::verify`]) compare digests in constant time.
//!
//! ```
//! use entity::secrets::{ApiKey, token_hash};
//!
//! # fn main() -> Result<(), entity::secrets::SecretError> {
//! let key = ApiKey::generate()?;
//! // Show `key.plaintext` once; store `key.key_prefix` and `key.token_hash`.
//! assert!(key.plaintext.starts_with(&key.key_prefix));
//! assert!(ApiKey::verify(&key.plaintext, &key.token_hash));
//! assert_eq!(token_hash(&key.plaintext), key.token_hash);
//! # Ok(()) }
//! ```

pub mod columns;
mod error;
mod keys;
mod seal;
mod tokens;

pub use error::SecretError;
pub use keys::{Keyring, SecretKey};
pub(crate) use keys::{key_list_from_env, parse_key_list};
pub use seal::sealed_key_id;
pub use tokens::{
    API_KEY_DISPLAY_LEN, API_KEY_PREFIX, ApiKey, generate_token, token_hash, verify_token,
};

/// The environment variable [`Keyring::from_env`] reads: `id:base64key[,id:base64key…]`.
pub const KEYS_ENV: &str = "NEONHUB_SECRET_KEYS";

/// Length of a secret key in bytes (XChaCha20-Poly1305 takes 256-bit keys).
pub const KEY_LEN: usize = 32;

/// The format version byte of values sealed by this module.
pub const FORMAT_VERSION: u8 = 1;

/// Longest key id, in bytes.
pub const MAX_KEY_ID_LEN: usize = 32;
