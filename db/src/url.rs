//! Resolving and describing `DATABASE_URL`, and the URL of the tools that write
//! ([`DatabaseUrl::resolve_writer`]: the direct URL by name, a pooled-looking one warned about).

use crate::DbError;
use std::fmt;

/// The variables a writer's URL is read from, in order ([`DatabaseUrl::resolve_writer`]): the
/// direct (unpooled) URL under its common name, under Neon's name, then `DATABASE_URL`.
pub const WRITER_URL_VARS: [&str; 3] = [
    "DIRECT_DATABASE_URL",
    "DATABASE_URL_UNPOOLED",
    "DATABASE_URL",
];

/// Query parameters this crate reads itself and never hands to the driver: `pgbouncer=true`
/// (Prisma's flag for a transaction pooler, no libpq parameter) and `channel_binding` (which
/// sqlx does not implement; see [`crate::preflight`]).
const CLIENT_ONLY_PARAMS: [&str; 2] = ["pgbouncer", "channel_binding"];

/// A parsed Postgres connection URL. Its `Display` and `Debug` forms are redacted.
#[derive(Clone)]
pub struct DatabaseUrl {
    raw: String,
    parsed: url::Url,
    source: Option<&'static str>,
}

impl DatabaseUrl {
    /// Parse `raw` as a `postgres://` or `postgresql://` URL.
    pub fn parse(raw: &str) -> Result<Self, DbError> {
        let raw = raw.trim();
        let parsed = url::Url::parse(raw).map_err(|err| DbError::InvalidUrl {
            url: redact(raw),
            reason: err.to_string(),
        })?;
        if !matches!(parsed.scheme(), "postgres" | "postgresql") {
            return Err(DbError::InvalidUrl {
                url: redact(raw),
                reason: format!(
                    "scheme is '{}', expected postgres:// or postgresql://",
                    parsed.scheme()
                ),
            });
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(DbError::InvalidUrl {
                url: redact(raw),
                reason: "it names no host".into(),
            });
        }
        Ok(Self {
            raw: raw.to_owned(),
            parsed,
            source: None,
        })
    }

    /// The URL from `flag` if given, else `DATABASE_URL` from the environment, else from the
    /// nearest `.env` file (searched from the current directory upwards).
    pub fn resolve(flag: Option<&str>) -> Result<Self, DbError> {
        Self::resolve_var(flag, "DATABASE_URL").map_err(|err| match err {
            DbError::MissingVar(_) => DbError::MissingUrl,
            other => other,
        })
    }

    /// The application login's URL (`DATABASE_APP_URL`: a role granted `neonhub_app`, under
    /// row-level security), resolved like [`DatabaseUrl::resolve`]: `flag`, environment, `.env`.
    pub fn resolve_app(flag: Option<&str>) -> Result<Self, DbError> {
        Self::resolve_var(flag, "DATABASE_APP_URL")
    }

    /// The URL for read-only work (`DATABASE_READ_URL`: a read replica, owner role), falling
    /// back to [`DatabaseUrl::resolve`]'s `DATABASE_URL` when no replica is configured.
    pub fn resolve_read(flag: Option<&str>) -> Result<Self, DbError> {
        match Self::resolve_var(flag, "DATABASE_READ_URL") {
            Err(DbError::MissingVar(_)) => Self::resolve(None),
            other => other,
        }
    }

    /// The application login on the read replica (`DATABASE_APP_READ_URL`), falling back to
    /// [`DatabaseUrl::resolve_app`]'s `DATABASE_APP_URL`: for the API's replica-safe reads
    /// (searches, listings; see docs/SCALE_OUT.md for read-your-writes).
    pub fn resolve_app_read(flag: Option<&str>) -> Result<Self, DbError> {
        match Self::resolve_var(flag, "DATABASE_APP_READ_URL") {
            Err(DbError::MissingVar(_)) => Self::resolve_app(None),
            other => other,
        }
    }

    /// The URL of a tool that writes (`migration`, `seeder`, `vector-maintain`, `lifecycle purge`
    /// and `erase-user`): `flag` if given, else the first of [`WRITER_URL_VARS`] that is set
    /// (`DIRECT_DATABASE_URL`, Neon's `DATABASE_URL_UNPOOLED`, `DATABASE_URL`), each looked up in
    /// the environment, then in `.env`. Readers (smoke, doctor, export) keep
    /// [`DatabaseUrl::resolve`]: they work through a pooler.
    pub fn resolve_writer(flag: Option<&str>) -> Result<Self, DbError> {
        if let Some(url) = flag.filter(|u| !u.trim().is_empty()) {
            return Self::parse(url);
        }
        for name in WRITER_URL_VARS {
            match Self::resolve_var(None, name) {
                Err(DbError::MissingVar(_)) => continue,
                other => return other,
            }
        }
        Err(DbError::MissingUrl)
    }

    /// The URL from `flag` if given, else the variable `name` from the environment, else from
    /// the nearest `.env` file.
    pub fn resolve_var(flag: Option<&str>, name: &'static str) -> Result<Self, DbError> {
        if let Some(url) = flag.filter(|u| !u.trim().is_empty()) {
            return Self::parse(url);
        }
        let named = |url: &str| {
            Self::parse(url).map(|mut parsed| {
                parsed.source = Some(name);
                parsed
            })
        };
        if let Ok(url) = std::env::var(name)
            && !url.trim().is_empty()
        {
            return named(&url);
        }
        if let Ok(iter) = dotenvy::dotenv_iter() {
            for item in iter.flatten() {
                if item.0 == name && !item.1.trim().is_empty() {
                    return named(&item.1);
                }
            }
        }
        Err(DbError::MissingVar(name))
    }

    /// The variable the URL was read from (`None`: a flag or a string).
    pub fn source(&self) -> Option<&'static str> {
        self.source
    }

    /// The value of query parameter `key`, if the URL has it (the last one wins, as in libpq).
    pub fn query_param(&self, key: &str) -> Option<String> {
        self.parsed
            .query_pairs()
            .filter(|(k, _)| k == key)
            .last()
            .map(|(_, v)| v.into_owned())
    }

    /// Why the URL looks like it goes through a connection pooler (PgBouncer, Neon's pooled
    /// endpoint), or `None`: `pgbouncer=true` in its query (Prisma's flag), a Neon host with
    /// `-pooler.` in its name, or port 6432 (PgBouncer's default). A guess from the URL only: a
    /// pooler on another port is not recognised.
    pub fn looks_pooled(&self) -> Option<&'static str> {
        if self
            .query_param("pgbouncer")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            Some("pgbouncer=true in its query")
        } else if self.host().contains("-pooler.") {
            Some("its host is a pooled endpoint (-pooler.)")
        } else if self.parsed.port() == Some(6432) {
            Some("its port is 6432, PgBouncer's")
        } else {
            None
        }
    }

    /// For a writer: when the URL looks pooled ([`DatabaseUrl::looks_pooled`]), say once on
    /// stderr that `tool` should use the direct URL, and what still works through a transaction
    /// pooler and what does not.
    pub fn warn_if_pooled_writer(&self, tool: &str) {
        if let Some(reason) = self.looks_pooled() {
            crate::preflight::notice_once(format!(
                "{tool}: {} looks pooled ({reason}): tools that write should use the direct \
                 URL (set DIRECT_DATABASE_URL, or Neon's DATABASE_URL_UNPOOLED). Through a \
                 transaction pooler {tool} still keeps its lock (an open transaction, which the \
                 pooler keeps on one server connection until it ends) and runs every statement \
                 in a transaction that begins with DEALLOCATE ALL, but without session settings \
                 (the lock timeout and memory of concurrent index builds), and a migration that \
                 runs outside a transaction is refused",
                self.source.unwrap_or("the URL")
            ));
        }
    }

    /// The URL handed to the driver: the URL without the parameters this crate reads itself
    /// (`pgbouncer`, `channel_binding`), which sqlx would log as unrecognised and ignore.
    pub fn driver_url(&self) -> String {
        let has = |key: &str| self.parsed.query_pairs().any(|(k, _)| k == key);
        if !CLIENT_ONLY_PARAMS.iter().any(|k| has(k)) {
            return self.raw.clone();
        }
        let kept: Vec<(String, String)> = self
            .parsed
            .query_pairs()
            .filter(|(k, _)| !CLIENT_ONLY_PARAMS.contains(&k.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut parsed = self.parsed.clone();
        parsed.set_query(None);
        if !kept.is_empty() {
            parsed.query_pairs_mut().extend_pairs(kept);
        }
        parsed.to_string()
    }

    /// The full URL, password included: pass it to drivers only, never print it.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// `host:port` of the server (port 5432 when the URL names none).
    pub fn target(&self) -> String {
        format!("{}:{}", self.host(), self.parsed.port().unwrap_or(5432))
    }

    /// The host of the URL.
    pub fn host(&self) -> &str {
        self.parsed.host_str().unwrap_or("?")
    }

    /// The database name (the URL's path).
    pub fn database(&self) -> String {
        self.parsed.path().trim_start_matches('/').to_owned()
    }

    /// The `sslmode` the URL asks for (`prefer`, sqlx's default, when it names none).
    pub fn ssl_mode(&self) -> String {
        self.parsed
            .query_pairs()
            .find(|(key, _)| key == "sslmode")
            .map_or_else(|| "prefer".to_owned(), |(_, mode)| mode.into_owned())
    }

    /// The password, if the URL carries one (percent-decoded). Pass it to tools through
    /// `PGPASSWORD` or a password file, never on a command line.
    pub fn password(&self) -> Option<String> {
        self.parsed.password().map(percent_decode)
    }

    /// The user name, if the URL names one.
    pub fn user(&self) -> Option<&str> {
        Some(self.parsed.username()).filter(|u| !u.is_empty())
    }

    /// The same server and database, as another user (with a password, or none).
    pub fn with_credentials(&self, user: &str, password: Option<&str>) -> Self {
        let mut parsed = self.parsed.clone();
        // Setting user and password on a URL with a host cannot fail.
        let _ = parsed.set_username(user);
        let _ = parsed.set_password(password);
        Self {
            raw: parsed.to_string(),
            parsed,
            source: None,
        }
    }

    /// The same server and credentials, another database.
    pub fn with_database(&self, database: &str) -> Self {
        let mut parsed = self.parsed.clone();
        parsed.set_path(&format!("/{database}"));
        Self {
            raw: parsed.to_string(),
            parsed,
            source: self.source,
        }
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.raw))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", redact(&self.raw))
    }
}

/// `%XX` escapes of a URL component decoded (an invalid escape is kept as it is).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], escaped) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Replace the password of every `scheme://user:password@` in `text` with `***`, and every
/// `password=...` query parameter likewise.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":***");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    redact_params(&out)
}

fn redact_params(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.to_ascii_lowercase().find("password=") {
        let (head, tail) = rest.split_at(pos + "password=".len());
        out.push_str(head);
        out.push_str("***");
        let end = tail
            .find(|c: char| c == '&' || c.is_whitespace())
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://neon:s3cr3t@db.example:5432/app"),
            "postgres://neon:***@db.example:5432/app"
        );
        assert_eq!(
            redact("connect to postgres://u:p@h/db?password=x&sslmode=require failed"),
            "connect to postgres://u:***@h/db?password=***&sslmode=require failed"
        );
        assert_eq!(redact("postgres://user@host/db"), "postgres://user@host/db");
    }

    #[test]
    fn parses_and_describes() {
        let url = DatabaseUrl::parse("postgres://u:pw@127.0.0.1:55432/neonhub").unwrap();
        assert_eq!(url.password().as_deref(), Some("pw"));
        let escaped = DatabaseUrl::parse("postgres://u:p%40s%2Bw+rd@h/db").unwrap(); // secret-scan: allow (a test value)
        assert_eq!(escaped.password().as_deref(), Some("p@s+w+rd"));
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap().password(),
            None
        );
        assert_eq!(url.target(), "127.0.0.1:55432");
        assert_eq!(url.database(), "neonhub");
        assert_eq!(url.user(), Some("u"));
        assert_eq!(url.to_string(), "postgres://u:***@127.0.0.1:55432/neonhub");
        assert_eq!(
            url.with_credentials("app", Some("x")).as_str(),
            "postgres://app:x@127.0.0.1:55432/neonhub"
        );
        assert_eq!(
            url.with_database("other").as_str(),
            "postgres://u:pw@127.0.0.1:55432/other"
        );
    }

    #[test]
    fn pooled_urls_are_recognised_and_client_parameters_stripped() {
        let pooled = |raw: &str| DatabaseUrl::parse(raw).unwrap().looks_pooled();
        assert!(pooled("postgres://u:p@h:5432/db?pgbouncer=true").is_some());
        assert!(
            pooled("postgres://u:p@ep-cool-123-pooler.us-east-2.aws.neon.tech/db?sslmode=require")
                .is_some()
        );
        assert!(pooled("postgres://u:p@bouncer.internal:6432/db").is_some());
        assert!(pooled("postgres://u:p@ep-cool-123.us-east-2.aws.neon.tech/db").is_none());
        assert!(pooled("postgres://u:p@h:5432/db?pgbouncer=false").is_none());

        let url = DatabaseUrl::parse(
            "postgres://u:p@h/db?sslmode=require&pgbouncer=true&channel_binding=require&application_name=x",
        )
        .unwrap();
        assert_eq!(
            url.driver_url(),
            "postgres://u:p@h/db?sslmode=require&application_name=x"
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@h/db?pgbouncer=true")
                .unwrap()
                .driver_url(),
            "postgres://u:p@h/db"
        );
        let plain = "postgres://u:p%40x@h:1/db?sslmode=disable"; // secret-scan: allow (a test value)
        assert_eq!(DatabaseUrl::parse(plain).unwrap().driver_url(), plain);
    }

    #[test]
    fn rejects_malformed() {
        let err = DatabaseUrl::parse("mysql://u:pw@h/db")
            .unwrap_err()
            .to_string();
        assert!(err.contains("postgres://"), "{err}");
        assert!(!err.contains("pw@"), "{err}");
        assert!(DatabaseUrl::parse("not a url").is_err());
    }
}
