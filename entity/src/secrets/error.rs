//! What can go wrong with keys and sealed values.

#[cfg(doc)]
use super::Keyring;
use super::{FORMAT_VERSION, KEY_LEN, KEYS_ENV};

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
