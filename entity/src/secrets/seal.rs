//! Sealing and opening values: the version-1 format (header, nonce, ciphertext and tag) bound
//! to its column through the associated data.

use super::keys::valid_key_id;
use super::{FORMAT_VERSION, Keyring, MAX_KEY_ID_LEN, SecretError};
use chacha20poly1305::XNonce;
use chacha20poly1305::aead::{Aead, Payload};
use zeroize::Zeroizing;

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

impl Keyring {
    /// Seal `plaintext` for the column `context` (`"table.column"`, see [`columns`](super::columns)) with the
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
