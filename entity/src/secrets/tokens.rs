//! API keys and tokens: generated once, stored as SHA-256, compared in constant time.

use super::SecretError;
use base64::Engine as _;
use base64::engine::general_purpose;
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

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
