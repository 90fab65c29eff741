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
