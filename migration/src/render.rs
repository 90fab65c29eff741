//! The SQL each migration really executes, captured on the wire.
//!
//! [`render`] runs every migration up (one step at a time) and then down again against an
//! empty scratch database, through a small TCP proxy that reads the PostgreSQL frontend
//! protocol (simple queries, and the Parse/Bind of prepared statements) and records each
//! statement the migration sends. Transaction control and sea-orm-migration's own bookkeeping
//! (`seaql_migrations`) are left out. `make migrations-sql` writes the result to
//! `migration/sql/<name>.up.sql` / `.down.sql`, and a test fails when the committed files differ.

use crate::Migrator;
use neonhub_db::DatabaseUrl;
use sea_orm_migration::MigratorTrait;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The SQL of one migration, in both directions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMigration {
    /// Migration name.
    pub name: String,
    /// Statements `up` executes, `;`-terminated, separated by blank lines.
    pub up: String,
    /// Statements `down` executes.
    pub down: String,
    /// Whether the migration runs in a transaction (false for concurrent index builds).
    pub in_transaction: bool,
}

type Log = Arc<Mutex<Vec<String>>>;

/// Capture every migration's SQL by running it against `scratch`, an empty database.
pub async fn render(
    scratch: &DatabaseUrl,
) -> Result<Vec<RenderedMigration>, crate::runner::RunError> {
    let log: Log = Arc::default();
    let proxy = Proxy::start(scratch, log.clone()).await?;
    let db = neonhub_db::connect(&proxy.url, Duration::from_secs(10), 1).await?;
    let migrations = Migrator::migrations();
    let names: Vec<String> = migrations.iter().map(|m| m.name().to_owned()).collect();
    let transactional: Vec<bool> = migrations
        .iter()
        .map(|m| m.use_transaction() != Some(false))
        .collect();
    Migrator::install(&db).await?;
    let mut ups = Vec::new();
    for _ in &names {
        log.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        Migrator::up(&db, Some(1)).await?;
        ups.push(take(&log));
    }
    let mut downs = Vec::new();
    for _ in &names {
        log.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        Migrator::down(&db, Some(1)).await?;
        downs.push(take(&log));
    }
    downs.reverse();
    neonhub_db::close(db).await.ok();
    Ok(names
        .into_iter()
        .zip(ups.into_iter().zip(downs))
        .zip(transactional)
        .map(|((name, (up, down)), in_transaction)| RenderedMigration {
            name,
            up,
            down,
            in_transaction,
        })
        .collect())
}

/// The text of `migration/sql/<name>.<direction>.sql`: a header, then the statements.
pub fn file_contents(migration: &RenderedMigration, direction: &str) -> String {
    let (name, sql) = (
        &migration.name,
        if direction == "up" {
            &migration.up
        } else {
            &migration.down
        },
    );
    let mut header = format!(
        "-- {name} ({direction}): the SQL this migration executes, captured by `make migrations-sql`.\n\
         -- Generated; a test fails when it differs from what the migration runs.\n"
    );
    if !migration.in_transaction {
        header.push_str(
            "-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler\n\
             -- would leave it on another client's connection): the lock timeout comes with the\n\
             -- runner's session (its startup packet); no statement timeout (builds take minutes\n\
             -- per million rows and block no writer). See migration/src/guard.rs.\n\
             -- squawk-ignore-file require-lock-timeout, require-statement-timeout\n",
        );
    }
    if indexes_only_new_tables(sql) {
        header.push_str(
            "-- Every index here is on a table this migration creates (empty, not yet in use):\n\
             -- squawk-ignore-file require-concurrent-index-creation\n",
        );
    }
    format!("{header}\n{sql}")
}

/// Whether every non-concurrent `CREATE INDEX` in `sql` is on a table created earlier in it.
fn indexes_only_new_tables(sql: &str) -> bool {
    let mut created: Vec<String> = Vec::new();
    let mut any_index = false;
    for statement in sql.split(";\n") {
        let words: Vec<String> = statement
            .split_whitespace()
            .map(|w| w.trim_matches('"').to_ascii_lowercase())
            .collect();
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        if w.starts_with(&["create", "table"]) {
            if let Some(t) = w.get(2) {
                created.push((*t).to_owned());
            }
        } else if w.first() == Some(&"create")
            && w.contains(&"index")
            && !w.contains(&"concurrently")
        {
            any_index = true;
            let on = w.iter().position(|x| *x == "on");
            match on.and_then(|i| w.get(i + 1)) {
                Some(table) if created.iter().any(|c| c == table) => {}
                _ => return false,
            }
        }
    }
    any_index
}

/// The recorded statements of one step, without transaction control and bookkeeping.
fn take(log: &Log) -> String {
    let statements: Vec<String> = log
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .drain(..)
        .map(|s| s.trim().trim_end_matches(';').trim().to_owned())
        .filter(|s| {
            let upper = s.to_ascii_uppercase();
            !s.is_empty()
                && !s.contains("seaql_migrations")
                && !matches!(upper.as_str(), "BEGIN" | "COMMIT" | "ROLLBACK" | "SELECT 1")
        })
        .collect();
    let mut out = String::new();
    for s in statements {
        out.push_str(&s);
        out.push_str(";\n\n");
    }
    out.trim_end().to_owned() + "\n"
}

/// A loopback TCP proxy to the scratch server that records the SQL its clients send.
struct Proxy {
    url: DatabaseUrl,
}

impl Proxy {
    async fn start(target: &DatabaseUrl, log: Log) -> Result<Self, crate::runner::RunError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| neonhub_db::DbError::Other(format!("render proxy: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| neonhub_db::DbError::Other(e.to_string()))?
            .port();
        let upstream = target.target();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(&upstream).await {
                        let _ = relay(client, server, log).await;
                    }
                });
            }
        });
        // The proxy speaks plaintext only: ask the client not to negotiate TLS.
        let url = DatabaseUrl::parse(&format!(
            "{}?sslmode=disable",
            target
                .as_str()
                .split('?')
                .next()
                .unwrap_or_default()
                .replacen(
                    &format!("@{}", target.target()),
                    &format!("@127.0.0.1:{port}"),
                    1
                )
        ))?;
        Ok(Self { url })
    }
}

/// Forward both ways; parse what the client sends.
async fn relay(client: TcpStream, server: TcpStream, log: Log) -> std::io::Result<()> {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let downstream =
        tokio::spawn(async move { tokio::io::copy(&mut server_read, &mut client_write).await });
    let mut parser = Frontend::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = client_read.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        parser.feed(&buf[..n], &log);
        server_write.write_all(&buf[..n]).await?;
    }
    downstream.abort();
    Ok(())
}

/// An incremental parser of the PostgreSQL frontend protocol (what a client sends).
#[derive(Default)]
struct Frontend {
    pending: Vec<u8>,
    started: bool,
    prepared: HashMap<String, String>,
}

fn cstr(bytes: &[u8]) -> (String, &[u8]) {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    (
        String::from_utf8_lossy(&bytes[..end]).into_owned(),
        bytes.get(end + 1..).unwrap_or_default(),
    )
}

impl Frontend {
    fn feed(&mut self, data: &[u8], log: &Log) {
        self.pending.extend_from_slice(data);
        loop {
            if !self.started {
                // Untyped: SSLRequest / GSSENCRequest, then StartupMessage.
                if self.pending.len() < 8 {
                    return;
                }
                let len = u32::from_be_bytes(self.pending[0..4].try_into().expect("a 4-byte slice"))
                    as usize;
                if self.pending.len() < len {
                    return;
                }
                let code =
                    u32::from_be_bytes(self.pending[4..8].try_into().expect("a 4-byte slice"));
                if code == 196_608 {
                    self.started = true;
                }
                self.pending.drain(..len);
                continue;
            }
            if self.pending.len() < 5 {
                return;
            }
            let kind = self.pending[0];
            let len =
                u32::from_be_bytes(self.pending[1..5].try_into().expect("a 4-byte slice")) as usize;
            if self.pending.len() < 1 + len {
                return;
            }
            let body: Vec<u8> = self.pending[5..1 + len].to_vec();
            self.pending.drain(..1 + len);
            match kind {
                b'Q' => log
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(cstr(&body).0),
                b'P' => {
                    let (name, rest) = cstr(&body);
                    let (sql, _) = cstr(rest);
                    self.prepared.insert(name, sql);
                }
                b'B' => {
                    let (_portal, rest) = cstr(&body);
                    let (statement, _) = cstr(rest);
                    if let Some(sql) = self.prepared.get(&statement) {
                        log.lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push(sql.clone());
                    }
                }
                _ => {}
            }
        }
    }
}
