//! The repository secret scan (`scripts/secret_scan.py`): the repository itself is clean, and
//! planted secrets are caught.
//!
//! The planted secrets are assembled at run time from pieces, so this file never holds one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn scan(args: &[&str]) -> Output {
    Command::new("python3")
        .arg(Path::new(ROOT).join("scripts/secret_scan.py"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .expect("python3 runs scripts/secret_scan.py")
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A scratch directory (outside any git work tree) removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "neonhub-secret-scan-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn write(&self, file: &str, contents: &str) {
        std::fs::write(self.0.join(file), contents).unwrap();
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// `len` base62 characters from a fixed-seed xorshift: random-looking, the same every run.
fn random_looking(len: usize, mut seed: u64) -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            char::from(BASE62[(seed % 62) as usize])
        })
        .collect()
}

#[test]
fn repository_has_no_secrets() {
    let out = scan(&["--root", ROOT]);
    assert!(
        out.status.success(),
        "the secret scan found something:\n{}",
        text(&out)
    );
}

#[test]
fn scanner_catches_planted_secrets() {
    let dir = Scratch::new("planted");
    let dashes = "-".repeat(5);
    let label = ["RSA", "PRIVATE", "KEY"].join(" ");
    dir.write(
        "key.pem",
        &format!(
            "{dashes}BEGIN {label}{dashes}\n{}\n{}\n{dashes}END {label}{dashes}\n",
            random_looking(64, 1),
            random_looking(40, 2)
        ),
    );
    let stripe = ["sk", "live", &random_looking(24, 3)].join("_");
    dir.write("config.rs", &format!("let stripe = \"{stripe}\";\n"));
    let token = random_looking(40, 4);
    dir.write(
        "settings.toml",
        &format!("# Settings\nupload_token = \"{token}\"\n"),
    );
    let password = random_looking(14, 5);
    dir.write(
        "deploy.env",
        &format!("DATABASE_URL=postgres://app:{password}@db.internal:5432/app\n"),
    );
    // Not secrets: a marked line, hex digests, a UUID, placeholders, long identifiers.
    dir.write(
        "fine.txt",
        &format!(
            "token = \"{token}\" # secret-scan: allow\n\
             sha256 = \"{}\"\n\
             id = \"0192f1c4-7a3b-7c1d-9e2f-3a4b5c6d7e8f\"\n\
             DATABASE_URL=postgres://postgres:postgres@localhost:5432/neonhub\n\
             url = \"postgres://neon:${{PGPASSWORD}}@db/app\"\n\
             fn sealed_columns_in_the_database_hold_ciphertext_only() {{}}\n\
             type X = XChaCha20Poly1305KeyInitSomethingElse;\n",
            "ab12".repeat(16)
        ),
    );

    let out = scan(&["--root", dir.path()]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Built at run time so that this file holds no provider key prefix itself.
    let stripe_finding = format!(
        "config.rs:1: Stripe secret key: {}_",
        ["sk", "live"].join("_")
    );
    for expected in [
        "key.pem:1: private key block",
        stripe_finding.as_str(),
        "settings.toml:2: high-entropy token",
        "deploy.env:1: password in URL",
    ] {
        assert!(stdout.contains(expected), "missing `{expected}`:\n{report}");
    }
    assert_eq!(
        stdout.lines().count(),
        4,
        "one finding per planted secret:\n{report}"
    );
    // Findings are masked.
    for secret in [stripe.as_str(), &token, &password] {
        assert!(
            !stdout.contains(secret),
            "`{secret}` printed unmasked:\n{report}"
        );
    }

    // Scanning a single clean file passes.
    let clean = dir.0.join("fine.txt");
    let out = scan(&["--root", dir.path(), clean.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
}
