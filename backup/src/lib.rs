//! Backup encryption in the age format (<https://age-encryption.org/v1>) with the `age` crate,
//! the reference Rust implementation: files written here decrypt with the `age` CLI and the CLI's
//! files decrypt here. `scripts/db-backup.sh` uses it (as the `neonhub-age` binary) when the
//! `age` CLI is not installed, so that encrypted backups need nothing but this workspace.
//!
//! Only what backups need: X25519 recipients (`age1…`) and identity files (`AGE-SECRET-KEY-1…`,
//! as `age-keygen` writes them); no passphrases, SSH keys or plugins. Everything written is
//! created mode 0600, and outputs appear under their name only once complete (a temporary file
//! renamed into place), so a failed or interrupted run leaves no partial plaintext or
//! ciphertext behind. Identities are read from files only, never from arguments.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use age::secrecy::ExposeSecret;
use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// What can go wrong; every message names the file concerned and never a key.
#[derive(Debug, thiserror::Error)]
pub enum AgeError {
    /// A recipient that is not an age X25519 public key.
    #[error(
        "'{0}' is not an age public key (age1…): pass the recipient that age-keygen or `neonhub-age keygen` printed"
    )]
    BadRecipient(String),
    /// No recipient given.
    #[error("no recipient: pass -r age1… (the public key of the identity that will decrypt)")]
    NoRecipient,
    /// An identity file that could not be read or holds no identity.
    #[error("cannot use the identity file {path}: {reason}")]
    BadIdentity {
        /// The identity file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The input is not an age file, no identity matches it, or it was altered or truncated.
    #[error("cannot decrypt {input}: {reason}")]
    Decrypt {
        /// The input (`-` for stdin).
        input: String,
        /// Why.
        reason: String,
    },
    /// The identity file exists already (keygen never overwrites a key).
    #[error("{0} exists already: refusing to overwrite an identity (choose another file)")]
    Exists(PathBuf),
    /// Reading or writing a file.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        error: io::Error,
    },
}

fn io_err(path: impl AsRef<Path>) -> impl FnOnce(io::Error) -> AgeError {
    let path = path.as_ref().display().to_string();
    move |error| AgeError::Io { path, error }
}

/// A new identity, written to `path` (created 0600, never overwritten) in the format of
/// `age-keygen -o`: its creation time, its public key, the secret key. Returns the public key.
///
/// # Errors
/// [`AgeError::Exists`] when `path` exists; [`AgeError::Io`] when it cannot be written.
pub fn keygen(path: &Path) -> Result<String, AgeError> {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                AgeError::Exists(path.to_path_buf())
            } else {
                io_err(path)(e)
            }
        })?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .map_err(io_err(path))?;
    let created = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let text = format!(
        "# created: {created}\n# public key: {recipient}\n{}\n",
        identity.to_string().expose_secret()
    );
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io_err(path))?;
    Ok(recipient)
}

/// The public keys of the identities in the identity file `path` (`age-keygen -y`).
///
/// # Errors
/// [`AgeError::BadIdentity`] when the file cannot be read or holds no X25519 identity.
pub fn recipients_of(path: &Path) -> Result<Vec<String>, AgeError> {
    Ok(read_identities(path)?
        .iter()
        .map(|identity| identity.to_public().to_string())
        .collect())
}

/// The X25519 identities of an identity file (lines `AGE-SECRET-KEY-1…`, `#` comments and
/// blank lines ignored).
fn read_identities(path: &Path) -> Result<Vec<age::x25519::Identity>, AgeError> {
    let bad = |reason: String| AgeError::BadIdentity {
        path: path.to_path_buf(),
        reason,
    };
    let mut text = String::new();
    File::open(path)
        .and_then(|mut f| f.read_to_string(&mut text))
        .map_err(|e| bad(e.to_string()))?;
    let mut identities = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // The line itself is a secret: the message names its number only.
        let identity = line.parse::<age::x25519::Identity>().map_err(|_| {
            bad(format!(
                "line {} is not an age secret key (AGE-SECRET-KEY-1…)",
                number + 1
            ))
        })?;
        identities.push(identity);
    }
    if identities.is_empty() {
        return Err(bad("it holds no age secret key".into()));
    }
    Ok(identities)
}

/// Where output goes: a file that appears under its name only when complete (written 0600 to
/// a temporary name beside it, synced, then renamed by [`Output::commit`]; dropped without a
/// commit, the temporary file is removed), or stdout.
pub struct Output {
    /// The final name and the temporary name of a file output; `None` for stdout.
    target: Option<(PathBuf, PathBuf)>,
    file: Option<File>,
    stdout: io::Stdout,
    committed: bool,
}

impl Output {
    /// Standard output (`None` or `-`) or the file `path`.
    ///
    /// # Errors
    /// [`AgeError::Io`] when the temporary file cannot be created.
    pub fn open(path: Option<&Path>) -> Result<Self, AgeError> {
        let mut output = Self {
            target: None,
            file: None,
            stdout: io::stdout(),
            committed: false,
        };
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(output);
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let partial = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&partial)
            .map_err(io_err(&partial))?;
        output.target = Some((path.to_path_buf(), partial.clone()));
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(io_err(&partial))?;
        output.file = Some(file);
        Ok(output)
    }

    /// Make the output final: sync and rename the file into place (mode 0600), or flush stdout.
    ///
    /// # Errors
    /// [`AgeError::Io`] when that fails (the temporary file is then removed).
    pub fn commit(mut self) -> Result<(), AgeError> {
        match (self.file.take(), &self.target) {
            (Some(file), Some((path, partial))) => {
                file.sync_all()
                    .and_then(|()| std::fs::rename(partial, path))
                    .map_err(io_err(path))?;
            }
            _ => self.stdout.flush().map_err(io_err("stdout"))?,
        }
        self.committed = true;
        Ok(())
    }

    fn name(&self) -> String {
        match &self.target {
            None => "stdout".into(),
            Some((path, _)) => path.display().to_string(),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed
            && let Some((_, partial)) = &self.target
        {
            std::fs::remove_file(partial).ok();
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(buf),
            None => self.stdout.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => self.stdout.flush(),
        }
    }
}

/// Standard input (`None` or `-`) or the file `path`, buffered.
///
/// # Errors
/// [`AgeError::Io`] when the file cannot be opened.
pub fn open_input(path: Option<&Path>) -> Result<(String, Box<dyn io::BufRead>), AgeError> {
    match path.filter(|p| p.as_os_str() != "-") {
        None => Ok(("stdin".into(), Box::new(BufReader::new(io::stdin())))),
        Some(path) => {
            let file = File::open(path).map_err(io_err(path))?;
            Ok((
                path.display().to_string(),
                Box::new(BufReader::with_capacity(1 << 16, file)),
            ))
        }
    }
}

/// Encrypt `input` to every recipient (`age1…` public keys) into `output`; the output is
/// committed only when everything was written. Returns the plaintext's size in bytes.
///
/// # Errors
/// [`AgeError::NoRecipient`], [`AgeError::BadRecipient`], or [`AgeError::Io`] (the output's
/// temporary file is then removed).
pub fn encrypt(
    recipients: &[String],
    input: &mut dyn io::Read,
    output: Output,
) -> Result<u64, AgeError> {
    let parsed = recipients
        .iter()
        .map(|r| {
            r.trim()
                .parse::<age::x25519::Recipient>()
                .map_err(|_| AgeError::BadRecipient(r.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let encryptor = age::Encryptor::with_recipients(parsed.iter().map(|r| r as _))
        .map_err(|_| AgeError::NoRecipient)?;
    let name = output.name();
    let mut writer = encryptor
        .wrap_output(output)
        .map_err(io_err(name.clone()))?;
    let copied = io::copy(input, &mut writer).map_err(io_err(name.clone()))?;
    writer.finish().map_err(io_err(name))?.commit()?;
    Ok(copied)
}

/// Decrypt `input` with the identities of the file `identity` into `output`; the output is
/// committed only when the whole file decrypted and authenticated (an altered or truncated
/// file leaves no output). Returns the plaintext's size in bytes.
///
/// # Errors
/// [`AgeError::BadIdentity`], [`AgeError::Decrypt`] (not an age file, no matching identity,
/// altered or truncated), or [`AgeError::Io`].
pub fn decrypt(
    identities: &[PathBuf],
    input_name: &str,
    input: Box<dyn io::BufRead>,
    mut output: Output,
) -> Result<u64, AgeError> {
    let keys: Vec<age::x25519::Identity> = identities
        .iter()
        .map(|path| read_identities(path))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    let fail = |reason: String| AgeError::Decrypt {
        input: input_name.to_owned(),
        reason,
    };
    let decryptor = age::Decryptor::new_buffered(input).map_err(|e| fail(describe(&e)))?;
    let mut reader = decryptor
        .decrypt(keys.iter().map(|k| k as &dyn age::Identity))
        .map_err(|e| fail(describe(&e)))?;
    // Read and write errors told apart: a failed read is the file's fault, a failed write
    // the output's.
    let out_name = output.name();
    let mut buf = vec![0u8; 1 << 16];
    let mut copied = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(fail(format!(
                    "{e}: the file was altered or truncated (nothing was written)"
                )));
            }
        };
        output
            .write_all(&buf[..n])
            .map_err(io_err(out_name.clone()))?;
        copied += n as u64;
    }
    output.commit()?;
    Ok(copied)
}

fn describe(err: &age::DecryptError) -> String {
    match err {
        age::DecryptError::NoMatchingKeys => {
            "no identity given matches its recipients (wrong identity file?)".into()
        }
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            "it is not an age-encrypted file".into()
        }
        age::DecryptError::InvalidMac | age::DecryptError::DecryptionFailed => {
            "it was altered (authentication failed)".into()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("neonhub-age-unit-{}-{name}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn round_trip_private_files_and_refusals() {
        let dir = tmp("round-trip");
        let identity = dir.join("identity.txt");
        let recipient = keygen(&identity).unwrap();
        assert!(recipient.starts_with("age1"), "{recipient}");
        assert_eq!(mode(&identity), 0o600);
        assert!(matches!(keygen(&identity), Err(AgeError::Exists(_))));
        assert_eq!(
            recipients_of(&identity).unwrap(),
            std::slice::from_ref(&recipient)
        );

        let plain: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let sealed = dir.join("x.age");
        encrypt(
            std::slice::from_ref(&recipient),
            &mut &plain[..],
            Output::open(Some(&sealed)).unwrap(),
        )
        .unwrap();
        assert_eq!(mode(&sealed), 0o600);
        let bytes = std::fs::read(&sealed).unwrap();
        assert!(bytes.starts_with(b"age-encryption.org/v1\n"));

        let out = dir.join("x.plain");
        let (name, input) = open_input(Some(&sealed)).unwrap();
        decrypt(
            std::slice::from_ref(&identity),
            &name,
            input,
            Output::open(Some(&out)).unwrap(),
        )
        .unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), plain);
        assert_eq!(mode(&out), 0o600);

        // Another identity: refused, nothing written.
        let other = dir.join("other.txt");
        keygen(&other).unwrap();
        let wrong = dir.join("wrong.plain");
        let (name, input) = open_input(Some(&sealed)).unwrap();
        let err = decrypt(&[other], &name, input, Output::open(Some(&wrong)).unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("no identity"), "{err}");
        assert!(!wrong.exists());

        // One byte altered near the end (in the last chunk): refused, nothing written, and
        // no temporary file left.
        let mut altered = bytes.clone();
        let at = altered.len() - 20;
        altered[at] ^= 1;
        let altered_path = dir.join("altered.age");
        std::fs::write(&altered_path, &altered).unwrap();
        let (name, input) = open_input(Some(&altered_path)).unwrap();
        let err = decrypt(
            std::slice::from_ref(&identity),
            &name,
            input,
            Output::open(Some(&wrong)).unwrap(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("altered"), "{err}");
        assert!(!wrong.exists());
        // Truncated: refused too.
        std::fs::write(&altered_path, &bytes[..bytes.len() - 100]).unwrap();
        let (name, input) = open_input(Some(&altered_path)).unwrap();
        assert!(
            decrypt(
                std::slice::from_ref(&identity),
                &name,
                input,
                Output::open(Some(&wrong)).unwrap(),
            )
            .is_err()
        );
        assert!(!wrong.exists());
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");

        // A bad recipient, and an identity file with no key: named, secrets not echoed.
        let err = encrypt(
            &["age1nope".into()],
            &mut &b"x"[..],
            Output::open(Some(&dir.join("y.age"))).unwrap(),
        )
        .unwrap_err();
        assert!(matches!(err, AgeError::BadRecipient(_)));
        assert!(!dir.join("y.age").exists());
        let garbage = dir.join("garbage.txt");
        std::fs::write(&garbage, "AGE-SECRET-KEY-1NOTAKEY\n").unwrap();
        let err = recipients_of(&garbage).unwrap_err().to_string();
        assert!(err.contains("line 1") && !err.contains("NOTAKEY"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
