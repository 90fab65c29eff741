//! Running the workspace's binaries from tests without the server's password on their command
//! line: arguments are visible to every user of the machine (`ps`, `/proc/*/cmdline`), and a
//! test's URL carries the password of the server's owner.

use neonhub_db::DatabaseUrl;
use std::sync::OnceLock;

/// `--database-url` for a child process, with the server's password moved out of the URL into
/// `PGPASSWORD` (which the binaries' driver, sqlx, reads when the URL has none). The flag keeps
/// its precedence over `DATABASE_URL` and `.env`, so the child uses exactly this database.
pub trait DatabaseUrlArg {
    /// Add `--database-url <url without the server's password>` and set `PGPASSWORD` to it.
    /// Any other URL is passed as it is: one that is not valid, or one with a throwaway password
    /// a test made up to check that the binary never prints it (it must stay in the flag).
    fn database_url(&mut self, url: &str) -> &mut Self;
}

/// The password of the server under test (`DATABASE_URL`, environment or `.env`), if any.
fn server_password() -> Option<&'static str> {
    static PASSWORD: OnceLock<Option<String>> = OnceLock::new();
    PASSWORD
        .get_or_init(|| DatabaseUrl::resolve(None).ok().and_then(|u| u.password()))
        .as_deref()
}

/// The URL without the server's password, and that password.
fn split(url: &str, secret: Option<&str>) -> (String, Option<String>) {
    if let Ok(parsed) = DatabaseUrl::parse(url)
        && let (Some(user), Some(password)) = (parsed.user(), parsed.password())
        && secret == Some(password.as_str())
    {
        return (
            parsed.with_credentials(user, None).as_str().to_owned(),
            Some(password),
        );
    }
    (url.to_owned(), None)
}

impl DatabaseUrlArg for std::process::Command {
    fn database_url(&mut self, url: &str) -> &mut Self {
        let (bare, password) = split(url, server_password());
        self.arg("--database-url").arg(bare);
        match password {
            Some(password) => self.env("PGPASSWORD", password),
            None => self.env_remove("PGPASSWORD"),
        }
    }
}

impl DatabaseUrlArg for tokio::process::Command {
    fn database_url(&mut self, url: &str) -> &mut Self {
        let (bare, password) = split(url, server_password());
        self.arg("--database-url").arg(bare);
        match password {
            Some(password) => self.env("PGPASSWORD", password),
            None => self.env_remove("PGPASSWORD"),
        }
    }
}

/// The workspace binary `name` built beside the running test (`target/<profile>/<name>`), for a
/// test that runs another crate's binary (cargo gives `CARGO_BIN_EXE_*` only for the test's own
/// crate). `cargo test --workspace` (and `make test`) builds every binary before running any
/// test; `cargo test -p <crate>` alone does not build other crates' binaries.
///
/// # Panics
/// When the binary is not there, saying how to build it.
pub fn workspace_binary(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    // target/<profile>/deps/<test>-<hash>
    let profile = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("the test runs from target/<profile>/deps");
    let binary = profile.join(name);
    let modified = |path: &std::path::Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let Some(built) = modified(&binary) else {
        panic!(
            "{} is not built: run `cargo build --workspace` (or `cargo test --workspace`, which \
             builds every binary first)",
            binary.display()
        );
    };
    // Cargo's dependency file lists every source the binary was built from: one changed
    // since means `cargo test -p <crate>` rebuilt libraries, not the other crates' binaries.
    let sources = std::fs::read_to_string(profile.join(format!("{name}.d"))).unwrap_or_default();
    let stale = sources
        .split_once(": ")
        .map(|(_, list)| list.replace("\\ ", "\u{0}"))
        .unwrap_or_default()
        .split_whitespace()
        .map(|path| std::path::PathBuf::from(path.replace('\u{0}', " ")))
        .find(|path| modified(path).is_some_and(|changed| changed > built));
    if let Some(source) = stale {
        panic!(
            "{} is older than {}: run `cargo build --workspace` first (or `cargo test \
             --workspace`, which builds every binary before running tests)",
            binary.display(),
            source.display()
        );
    }
    binary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_password_leaves_the_argument_a_made_up_one_stays() {
        let url = "postgres://owner:hunter2@127.0.0.1:55432/neonhub?sslmode=disable";
        let (bare, password) = split(url, Some("hunter2"));
        assert!(!bare.contains("hunter2"), "{bare}");
        assert!(
            bare.starts_with("postgres://owner@127.0.0.1:55432/neonhub"),
            "{bare}"
        );
        assert_eq!(password.as_deref(), Some("hunter2"));
        assert_eq!(split(url, Some("other")), (url.to_owned(), None));
        assert_eq!(split("not a url", None), ("not a url".to_owned(), None));
    }
}
