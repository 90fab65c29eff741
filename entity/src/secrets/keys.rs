//! Keys and keyrings: loading them from `NEONHUB_SECRET_KEYS`, generating, naming.

use super::{KEY_LEN, KEYS_ENV, MAX_KEY_ID_LEN, SecretError};
use base64::Engine as _;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig, general_purpose};
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::KeyInit;
use std::fmt;
use zeroize::Zeroizing;

/// Base64 that accepts standard (`openssl rand -base64`) input with or without padding.
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

pub(crate) fn valid_key_id(id: &str) -> bool {
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

    /// The key's bytes (for keys that sign rather than seal: [`crate::tenant::TicketKey`]).
    pub(crate) fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
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
pub(super) struct Slot {
    pub(super) id: String,
    pub(super) cipher: XChaCha20Poly1305,
}

/// The value of a key-list variable (`NEONHUB_SECRET_KEYS`, `NEONHUB_TICKET_KEYS`) from the
/// process environment.
///
/// # Errors
/// [`SecretError::MissingKeys`] when unset, [`SecretError::MalformedKeys`] when not UTF-8.
pub(crate) fn key_list_from_env(var: &str) -> Result<String, SecretError> {
    match std::env::var(var) {
        Ok(spec) => Ok(spec),
        Err(std::env::VarError::NotPresent) => Err(SecretError::MissingKeys),
        Err(std::env::VarError::NotUnicode(_)) => Err(SecretError::MalformedKeys(format!(
            "{var} is not valid UTF-8"
        ))),
    }
}

/// The keys of a key list in the syntax of `var`: comma-separated `id:base64key` entries
/// (whitespace around entries ignored), in order; the caller checks for none and duplicates.
///
/// # Errors
/// [`SecretError::MalformedKeys`] for an entry without `id:`, an invalid id or invalid base64,
/// [`SecretError::WrongKeyLength`] for a key that is not 32 bytes.
pub(crate) fn parse_key_list(var: &str, spec: &str) -> Result<Vec<SecretKey>, SecretError> {
    let mut keys = Vec::new();
    for (n, entry) in spec
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .enumerate()
    {
        let Some((id, b64)) = entry.split_once(':') else {
            return Err(SecretError::MalformedKeys(format!(
                "{var} entry {} is not `id:base64key`",
                n + 1
            )));
        };
        let id = id.trim();
        if !valid_key_id(id) {
            return Err(SecretError::MalformedKeys(format!(
                "{var} entry {} has an invalid key id (1 to {MAX_KEY_ID_LEN} characters of \
                 A-Z a-z 0-9 _ . -)",
                n + 1
            )));
        }
        keys.push(SecretKey::from_base64(id, b64)?);
    }
    Ok(keys)
}

/// A set of keys: the first seals, all open. See the [module docs](super) for the format.
#[derive(Clone)]
pub struct Keyring {
    pub(super) slots: Vec<Slot>,
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
        Self::parse(&key_list_from_env(KEYS_ENV)?)
    }

    /// A keyring from the `NEONHUB_SECRET_KEYS` syntax: comma-separated `id:base64key`
    /// entries, the first sealing. Whitespace around entries is ignored.
    ///
    /// # Errors
    /// [`SecretError::MissingKeys`] for a blank list, [`SecretError::MalformedKeys`] for an
    /// entry without `id:`, an invalid id or invalid base64, [`SecretError::WrongKeyLength`]
    /// for a key that is not 32 bytes, [`SecretError::DuplicateKeyId`].
    pub fn parse(spec: &str) -> Result<Self, SecretError> {
        Self::new(parse_key_list(KEYS_ENV, spec)?)
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
}
