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

use base64::Engine as _;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig, general_purpose};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// The environment variable [`Keyring::from_env`] reads: `id:base64key[,id:base64key…]`.
pub const KEYS_ENV: &str = "NEONHUB_SECRET_KEYS";

/// Length of a secret key in bytes (XChaCha20-Poly1305 takes 256-bit keys).
pub const KEY_LEN: usize = 32;

/// The format version byte of values sealed by this module.
pub const FORMAT_VERSION: u8 = 1;

/// Longest key id, in bytes.
pub const MAX_KEY_ID_LEN: usize = 32;

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// The `"table.column"` contexts of the secret columns, to pass to [`Keyring::seal`] and
/// [`Keyring::open`].
pub mod columns {
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
}

/// Why a key could not be loaded, or a value could not be sealed or opened.
///
/// Messages name key ids, entry numbers and lengths, never key bytes or plaintext.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// No key configured: `NEONHUB_SECRET_KEYS` unset or empty, or an empty key list.
    #[error(
        "no secret key configured: set {KEYS_ENV} to `id:base64key[,id:base64key...]` \
         (make a key with `openssl rand -base64 32`)"
    )]
    MissingKeys,
    /// The key list or a key is malformed (says where and why, without the key).
    #[error("malformed secret keys: {0}")]
    MalformedKeys(String),
    /// A key decoded to the wrong number of bytes.
    #[error(
        "secret key `{id}` is {len} bytes, expected {KEY_LEN} (make one with `openssl rand -base64 32`)"
    )]
    WrongKeyLength {
        /// The key's id.
        id: String,
        /// How many bytes it had.
        len: usize,
    },
    /// Two keys share an id.
    #[error("secret key id `{0}` is configured twice")]
    DuplicateKeyId(String),
    /// A value was sealed under a key id that this keyring does not hold.
    #[error(
        "value was sealed with secret key `{id}`, which is not configured \
         (configured: {configured}); add it to {KEYS_ENV}"
    )]
    UnknownKeyId {
        /// The key id named in the sealed value.
        id: String,
        /// The configured key ids, comma-separated.
        configured: String,
    },
    /// The bytes are not a sealed value (too short, bad key id).
    #[error("sealed value is malformed: {0}")]
    Malformed(&'static str),
    /// The sealed value has a format version this code does not know.
    #[error("sealed value has unsupported format version {0} (expected {FORMAT_VERSION})")]
    UnsupportedVersion(u8),
    /// The AEAD tag did not verify: the value was tampered with, sealed for another column,
    /// or sealed with a different key under the same id.
    #[error(
        "sealed value failed authentication for `{context}` with key `{key_id}`: tampered, \
         sealed for another column, or a different key under that id"
    )]
    Authentication {
        /// The key id the value names.
        key_id: String,
        /// The context (column) it was opened for.
        context: String,
    },
    /// An opened value was not UTF-8 ([`Keyring::open_string`]).
    #[error("opened secret is not valid UTF-8")]
    NotUtf8,
    /// The plaintext is too long for the cipher.
    #[error("plaintext is too long to seal")]
    TooLong,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Random(#[from] getrandom::Error),
}

/// Base64 that accepts standard (`openssl rand -base64`) input with or without padding.
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

fn valid_key_id(id: &str) -> bool {
    (1..=MAX_KEY_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn check_key_id(id: &str) -> Result<(), SecretError> {
    if valid_key_id(id) {
        Ok(())
    } else {
        Err(SecretError::MalformedKeys(format!(
            "a key id must be 1 to {MAX_KEY_ID_LEN} characters of A-Z a-z 0-9 _ . -"
        )))
    }
}

/// One 256-bit key with its id. The bytes are wiped on drop and never printed.
#[derive(Clone)]
pub struct SecretKey {
    id: String,
    bytes: Zeroizing<[u8; KEY_LEN]>,
}

impl SecretKey {
    /// A key from its id (1 to 32 characters of `A-Z a-z 0-9 _ . -`) and 32 bytes.
    ///
    /// # Errors
    /// [`SecretError::MalformedKeys`] when the id is invalid.
    pub fn new(id: &str, bytes: [u8; KEY_LEN]) -> Result<Self, SecretError> {
        check_key_id(id)?;
        Ok(Self {
            id: id.to_owned(),
            bytes: Zeroizing::new(bytes),
        })
    }

    /// A key from its id and its base64 encoding (as `openssl rand -base64 32` prints it).
    ///
    /// # Errors
    /// [`SecretError::MalformedKeys`] for an invalid id or base64,
    /// [`SecretError::WrongKeyLength`] when it does not decode to 32 bytes.
    pub fn from_base64(id: &str, base64: &str) -> Result<Self, SecretError> {
        check_key_id(id)?;
        // The decoder's own error names the offending byte: do not pass it on.
        let decoded =
            Zeroizing::new(BASE64_LENIENT.decode(base64.trim()).map_err(|_| {
                SecretError::MalformedKeys(format!("key `{id}` is not valid base64"))
            })?);
        if decoded.len() != KEY_LEN {
            return Err(SecretError::WrongKeyLength {
                id: id.to_owned(),
                len: decoded.len(),
            });
        }
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        bytes.copy_from_slice(&decoded);
        Ok(Self {
            id: id.to_owned(),
            bytes,
        })
    }

    /// A new random key (from the operating system's RNG) under `id`.
    ///
    /// # Errors
    /// [`SecretError::MalformedKeys`] for an invalid id, [`SecretError::Random`] when the RNG
    /// fails.
    pub fn generate(id: &str) -> Result<Self, SecretError> {
        check_key_id(id)?;
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(bytes.as_mut_slice())?;
        Ok(Self {
            id: id.to_owned(),
            bytes,
        })
    }

    /// The key's id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key's bytes in standard base64 (for `NEONHUB_SECRET_KEYS`); wiped on drop.
    #[must_use]
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(general_purpose::STANDARD.encode(self.bytes.as_slice()))
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("id", &self.id)
            .field("bytes", &"<redacted>")
            .finish()
    }
}

#[derive(Clone)]
struct Slot {
    id: String,
    cipher: XChaCha20Poly1305,
}

/// A set of keys: the first seals, all open. See the [module docs](self) for the format.
#[derive(Clone)]
pub struct Keyring {
    slots: Vec<Slot>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("key_ids", &self.key_ids().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Keyring {
    /// A keyring of `keys`; the first one seals new values.
    ///
    /// # Errors
    /// [`SecretError::MissingKeys`] for no key, [`SecretError::DuplicateKeyId`] when two keys
    /// share an id.
    pub fn new(keys: impl IntoIterator<Item = SecretKey>) -> Result<Self, SecretError> {
        let mut slots: Vec<Slot> = Vec::new();
        for key in keys {
            if slots.iter().any(|s| s.id == key.id) {
                return Err(SecretError::DuplicateKeyId(key.id));
            }
            let cipher = XChaCha20Poly1305::new(&(*key.bytes).into());
            slots.push(Slot {
                id: key.id.clone(),
                cipher,
            });
        }
        if slots.is_empty() {
            return Err(SecretError::MissingKeys);
        }
        Ok(Self { slots })
    }

    /// The keyring described by `NEONHUB_SECRET_KEYS` (see [`Keyring::parse`]).
    ///
    /// Reads the process environment only (no `.env` file: loading one is the binary's job).
    ///
    /// # Errors
    /// [`SecretError::MissingKeys`] when the variable is unset or empty, and the errors of
    /// [`Keyring::parse`].
    pub fn from_env() -> Result<Self, SecretError> {
        match std::env::var(KEYS_ENV) {
            Ok(spec) => Self::parse(&spec),
            Err(std::env::VarError::NotPresent) => Err(SecretError::MissingKeys),
            Err(std::env::VarError::NotUnicode(_)) => Err(SecretError::MalformedKeys(format!(
                "{KEYS_ENV} is not valid UTF-8"
            ))),
        }
    }

    /// A keyring from the `NEONHUB_SECRET_KEYS` syntax: comma-separated `id:base64key`
    /// entries, the first sealing. Whitespace around entries is ignored.
    ///
    /// # Errors
    /// [`SecretError::MissingKeys`] for a blank list, [`SecretError::MalformedKeys`] for an
    /// entry without `id:`, an invalid id or invalid base64, [`SecretError::WrongKeyLength`]
    /// for a key that is not 32 bytes, [`SecretError::DuplicateKeyId`].
    pub fn parse(spec: &str) -> Result<Self, SecretError> {
        let mut keys = Vec::new();
        for (n, entry) in spec
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .enumerate()
        {
            let Some((id, b64)) = entry.split_once(':') else {
                return Err(SecretError::MalformedKeys(format!(
                    "{KEYS_ENV} entry {} is not `id:base64key`",
                    n + 1
                )));
            };
            let id = id.trim();
            if !valid_key_id(id) {
                return Err(SecretError::MalformedKeys(format!(
                    "{KEYS_ENV} entry {} has an invalid key id (1 to {MAX_KEY_ID_LEN} characters \
                     of A-Z a-z 0-9 _ . -)",
                    n + 1
                )));
            }
            keys.push(SecretKey::from_base64(id, b64)?);
        }
        Self::new(keys)
    }

    /// A new random key in standard base64, for `NEONHUB_SECRET_KEYS` (like
    /// `openssl rand -base64 32`).
    ///
    /// # Errors
    /// [`SecretError::Random`] when the operating system's RNG fails.
    pub fn generate_key() -> Result<Zeroizing<String>, SecretError> {
        Ok(SecretKey::generate("new")?.to_base64())
    }

    /// The id of the key that seals new values.
    #[must_use]
    pub fn sealing_key_id(&self) -> &str {
        &self.slots[0].id
    }

    /// The ids of all keys, sealing key first.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.slots.iter().map(|s| s.id.as_str())
    }

    /// Seal `plaintext` for the column `context` (`"table.column"`, see [`columns`]) with the
    /// sealing key and a fresh random nonce.
    ///
    /// # Errors
    /// [`SecretError::Random`] when the RNG fails, [`SecretError::TooLong`] for a plaintext
    /// beyond the cipher's limit.
    pub fn seal(&self, plaintext: &[u8], context: &str) -> Result<Vec<u8>, SecretError> {
        let slot = &self.slots[0];
        let id = slot.id.as_bytes();
        let mut out = Vec::with_capacity(2 + id.len() + NONCE_LEN + plaintext.len() + TAG_LEN);
        out.push(FORMAT_VERSION);
        out.push(u8::try_from(id.len()).expect("key ids are at most 32 bytes"));
        out.extend_from_slice(id);
        let header_len = out.len();
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)?;
        let aad = associated_data(&out[..header_len], context);
        let ciphertext = slot
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| SecretError::TooLong)?;
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Open a value sealed for `context` by any key of this keyring. The plaintext is wiped
    /// on drop.
    ///
    /// # Errors
    /// [`SecretError::Malformed`] / [`SecretError::UnsupportedVersion`] for bytes that are not
    /// a sealed value, [`SecretError::UnknownKeyId`] when its key is not configured,
    /// [`SecretError::Authentication`] when it was tampered with or sealed for another column.
    pub fn open(&self, sealed: &[u8], context: &str) -> Result<Zeroizing<Vec<u8>>, SecretError> {
        let parts = Parts::parse(sealed)?;
        let slot = self
            .slots
            .iter()
            .find(|s| s.id == parts.key_id)
            .ok_or_else(|| SecretError::UnknownKeyId {
                id: parts.key_id.to_owned(),
                configured: self.key_ids().collect::<Vec<_>>().join(", "),
            })?;
        let aad = associated_data(parts.header, context);
        slot.cipher
            .decrypt(
                &XNonce::from(parts.nonce),
                Payload {
                    msg: parts.ciphertext,
                    aad: &aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| SecretError::Authentication {
                key_id: parts.key_id.to_owned(),
                context: context.to_owned(),
            })
    }

    /// [`Keyring::open`], for a secret that is text (an OAuth token, say).
    ///
    /// # Errors
    /// Those of [`Keyring::open`], and [`SecretError::NotUtf8`].
    pub fn open_string(
        &self,
        sealed: &[u8],
        context: &str,
    ) -> Result<Zeroizing<String>, SecretError> {
        let mut bytes = self.open(sealed, context)?;
        let text = String::from_utf8(std::mem::take(&mut *bytes)).map_err(|e| {
            // Wipe the rejected bytes too.
            drop(Zeroizing::new(e.into_bytes()));
            SecretError::NotUtf8
        })?;
        Ok(Zeroizing::new(text))
    }

    /// [`Keyring::seal`] for an optional entity field: `None` stays `None`.
    ///
    /// ```
    /// # use entity::secrets::{columns, Keyring, SecretKey};
    /// # let keyring = Keyring::new([SecretKey::new("k1", [0x42; 32]).unwrap()]).unwrap();
    /// let refresh: Option<&str> = None;
    /// assert_eq!(keyring.seal_opt(refresh, columns::CREDENTIALS_REFRESH_TOKEN).unwrap(), None);
    /// assert!(keyring.seal_opt(Some("t"), columns::CREDENTIALS_ACCESS_TOKEN).unwrap().is_some());
    /// ```
    ///
    /// # Errors
    /// Those of [`Keyring::seal`].
    pub fn seal_opt(
        &self,
        plaintext: Option<impl AsRef<[u8]>>,
        context: &str,
    ) -> Result<Option<Vec<u8>>, SecretError> {
        plaintext
            .map(|p| self.seal(p.as_ref(), context))
            .transpose()
    }

    /// [`Keyring::open`] for an optional entity field (`model.access_token.as_deref()`):
    /// `None` stays `None`.
    ///
    /// # Errors
    /// Those of [`Keyring::open`].
    pub fn open_opt(
        &self,
        sealed: Option<&[u8]>,
        context: &str,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, SecretError> {
        sealed.map(|s| self.open(s, context)).transpose()
    }

    /// Open a value with whichever key it names and seal it again with the sealing key (for
    /// rotation).
    ///
    /// # Errors
    /// Those of [`Keyring::open`] and [`Keyring::seal`].
    pub fn reseal(&self, sealed: &[u8], context: &str) -> Result<Vec<u8>, SecretError> {
        let plaintext = self.open(sealed, context)?;
        self.seal(&plaintext, context)
    }
}

/// The id of the key a sealed value was sealed with (to find values still under an old key).
///
/// # Errors
/// [`SecretError::Malformed`] / [`SecretError::UnsupportedVersion`] for bytes that are not a
/// sealed value.
pub fn sealed_key_id(sealed: &[u8]) -> Result<&str, SecretError> {
    Ok(Parts::parse(sealed)?.key_id)
}

fn associated_data(header: &[u8], context: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + context.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(context.as_bytes());
    aad
}

struct Parts<'a> {
    header: &'a [u8],
    key_id: &'a str,
    nonce: [u8; NONCE_LEN],
    ciphertext: &'a [u8],
}

impl<'a> Parts<'a> {
    fn parse(sealed: &'a [u8]) -> Result<Self, SecretError> {
        let [version, id_len, rest @ ..] = sealed else {
            return Err(SecretError::Malformed("too short"));
        };
        if *version != FORMAT_VERSION {
            return Err(SecretError::UnsupportedVersion(*version));
        }
        let id_len = usize::from(*id_len);
        if !(1..=MAX_KEY_ID_LEN).contains(&id_len) {
            return Err(SecretError::Malformed("bad key id length"));
        }
        if rest.len() < id_len + NONCE_LEN + TAG_LEN {
            return Err(SecretError::Malformed("too short"));
        }
        let (id, rest) = rest.split_at(id_len);
        let key_id = std::str::from_utf8(id)
            .ok()
            .filter(|id| valid_key_id(id))
            .ok_or(SecretError::Malformed("bad key id"))?;
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        Ok(Self {
            header: &sealed[..2 + id_len],
            key_id,
            nonce: nonce.try_into().expect("split at NONCE_LEN"),
            ciphertext,
        })
    }
}

/// The prefix of every NeonHub API key.
pub const API_KEY_PREFIX: &str = "nh_live_";

/// How many leading characters of an API key are kept in `api_keys.key_prefix` for display
/// (`nh_live_` and 4 random characters, 24 of its 256 bits).
pub const API_KEY_DISPLAY_LEN: usize = API_KEY_PREFIX.len() + 4;

/// Random characters after [`API_KEY_PREFIX`]: 43 base62 characters carry 256 bits.
const API_KEY_BODY_LEN: usize = 43;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn random_base62(len: usize) -> Result<String, SecretError> {
    let mut out = String::with_capacity(len);
    let mut buf = Zeroizing::new([0u8; 64]);
    while out.len() < len {
        getrandom::fill(buf.as_mut_slice())?;
        // Rejection sampling keeps every character equally likely: 248 = 4 * 62.
        for &b in buf.iter().filter(|&&b| b < 248) {
            if out.len() == len {
                break;
            }
            out.push(char::from(BASE62[usize::from(b % 62)]));
        }
    }
    Ok(out)
}

/// A new API key: the plaintext to show the user once, and what the database stores.
pub struct ApiKey {
    /// The whole key (`nh_live_…`): show it once, never store it. Wiped on drop.
    pub plaintext: Zeroizing<String>,
    /// Its first [`API_KEY_DISPLAY_LEN`] characters, for `api_keys.key_prefix`.
    pub key_prefix: String,
    /// Its SHA-256 in lowercase hex ([`token_hash`]), for `api_keys.token_hash`.
    pub token_hash: String,
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("plaintext", &"<redacted>")
            .field("key_prefix", &self.key_prefix)
            .field("token_hash", &self.token_hash)
            .finish()
    }
}

impl ApiKey {
    /// Generate a key: [`API_KEY_PREFIX`] and 43 random base62 characters (256 bits from the
    /// operating system's RNG).
    ///
    /// # Errors
    /// [`SecretError::Random`] when the RNG fails.
    pub fn generate() -> Result<Self, SecretError> {
        let plaintext = Zeroizing::new(format!(
            "{API_KEY_PREFIX}{}",
            Zeroizing::new(random_base62(API_KEY_BODY_LEN)?).as_str()
        ));
        Ok(Self {
            key_prefix: plaintext[..API_KEY_DISPLAY_LEN].to_owned(),
            token_hash: token_hash(&plaintext),
            plaintext,
        })
    }

    /// Whether a presented key matches a stored `api_keys.token_hash` (constant-time on the
    /// digests; a malformed stored hash never matches).
    #[must_use]
    pub fn verify(presented: &str, stored_hash: &str) -> bool {
        verify_token(presented, stored_hash)
    }

    /// The display prefix of a presented key (what `api_keys.key_prefix` holds), or `None`
    /// when it does not look like a NeonHub API key.
    #[must_use]
    pub fn display_prefix(presented: &str) -> Option<&str> {
        (presented.starts_with(API_KEY_PREFIX)
            && presented.len() == API_KEY_PREFIX.len() + API_KEY_BODY_LEN)
            .then(|| presented.get(..API_KEY_DISPLAY_LEN))
            .flatten()
    }
}

/// A new random token for sessions and verification links: 32 bytes from the operating
/// system's RNG as unpadded base64url (43 characters). Store only its [`token_hash`].
///
/// # Errors
/// [`SecretError::Random`] when the RNG fails.
pub fn generate_token() -> Result<Zeroizing<String>, SecretError> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut_slice())?;
    Ok(Zeroizing::new(
        general_purpose::URL_SAFE_NO_PAD.encode(bytes.as_slice()),
    ))
}

/// SHA-256 of a token in lowercase hex (64 characters): what `sessions.token_hash`,
/// `verification_tokens.token_hash` and `api_keys.token_hash` store.
#[must_use]
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    hex
}

/// Whether `presented` hashes to `stored_hash` (a [`token_hash`]), comparing the digests in
/// constant time. A stored hash that is not 64 hex characters never matches.
#[must_use]
pub fn verify_token(presented: &str, stored_hash: &str) -> bool {
    let Some(stored) = decode_hex32(stored_hash) else {
        return false;
    };
    let computed: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
    computed.ct_eq(&stored).into()
}

fn decode_hex32(hex: &str) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}
