//! Neon as a team deploying there meets it, emulated on a server of the test's own: a
//! non-superuser owner, TLS, and PgBouncer in transaction mode in front.
//!
//! - A PostgreSQL 16 + pgvector cluster of its own (`scripts/local-pg.sh` in a temporary
//!   folder, [`LocalServer`]), so that, as in a new Neon project, the roles the migrations
//!   create (`neonhub_app`) are created by the owner. The roles the script makes for the local
//!   default (`neonhub_api`, `neonhub_app`) are dropped first.
//! - The owner ([`OWNER`]) is a LOGIN role with CREATEROLE and CREATEDB, not a superuser, and
//!   owns the database ([`DATABASE`]), as Neon's `neondb_owner` owns `neondb`. The `vector`
//!   extension is created beforehand by the superuser, as managed services pre-create it.
//! - The application login ([`APP_LOGIN`]) is created by the owner, after the migrations made
//!   `neonhub_app` ([`NeonProject::create_app_login`]), with the timeouts the README gives.
//! - A real PgBouncer ([`crate::pgbouncer`]) lets in the owner and the application login, with
//!   TLS; [`NeonProject::pooled`] gives a URL through it.

use crate::local_server::LocalServer;
use crate::pgbouncer::{PgBouncer, Settings};
use neonhub_db::DatabaseUrl;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::sync::Mutex;
use std::time::Duration;

/// The owner role, as Neon names it.
pub const OWNER: &str = "neondb_owner";
/// The database the owner owns, as Neon names it.
pub const DATABASE: &str = "neondb";
/// The application login the owner creates.
pub const APP_LOGIN: &str = "neonhub_api";

const TIMEOUT: Duration = Duration::from_secs(30);

/// The migrations at the end of the history that a transaction pooler can roll back and apply:
/// how many run in a transaction after the last one that does not, and that one's name (which
/// a pooled `down` past them refuses). Panics when the last migration runs outside a
/// transaction, or none does: the pooler tests need both.
pub fn pooled_tail() -> (usize, String) {
    use migration::MigratorTrait;
    let migrations = migration::Migrator::migrations();
    let tail = migrations
        .iter()
        .rev()
        .take_while(|m| m.use_transaction() != Some(false))
        .count();
    assert!(tail >= 1, "the last migration runs outside a transaction");
    assert!(
        tail < migrations.len(),
        "no migration runs outside a transaction"
    );
    (
        tail,
        migrations[migrations.len() - tail - 1].name().to_owned(),
    )
}

/// A random password (32 hex digits).
fn password() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The emulated project: a cluster, its owner and database, a PgBouncer in front.
pub struct NeonProject {
    // Dropped in this order: the pooler first, then the server.
    pooler: PgBouncer,
    server: LocalServer,
    superuser: DatabaseUrl,
    owner: DatabaseUrl,
    app: DatabaseUrl,
}

/// Clusters are started one at a time per process: the free port one finds must still be free
/// when its server binds it.
static STARTING: Mutex<()> = Mutex::new(());

impl NeonProject {
    /// Start the cluster, set up the owner, its database and the extension, and a PgBouncer with
    /// `settings` in front.
    pub async fn start(settings: Settings) -> Self {
        let server = {
            let _one_at_a_time = STARTING.lock().unwrap_or_else(|e| e.into_inner());
            let mut attempts = 0;
            loop {
                static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
                let name = format!(
                    "neon{}",
                    COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                );
                let server = LocalServer::prepare(&name, 56400..=56599);
                let out = server.run(&["up"]);
                if out.status.success() {
                    break server;
                }
                attempts += 1;
                assert!(
                    attempts < 3,
                    "local-pg.sh up failed:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        };
        let superuser = DatabaseUrl::parse(&server.url("url")).expect("the superuser's URL");
        let owner_password = password();
        let app_password = password();
        let admin = connect(&superuser.with_database("postgres")).await;
        exec(
            &admin,
            &format!(
                "DROP ROLE IF EXISTS neonhub_api; DROP ROLE IF EXISTS neonhub_app; \
                 CREATE ROLE {OWNER} LOGIN CREATEROLE CREATEDB PASSWORD '{owner_password}'"
            ),
        )
        .await;
        exec(&admin, &format!("CREATE DATABASE {DATABASE} OWNER {OWNER}")).await;
        admin.close().await.ok();
        let owner = superuser
            .with_database(DATABASE)
            .with_credentials(OWNER, Some(&owner_password));
        let project = Self {
            pooler: PgBouncer::start(
                &superuser,
                &[(OWNER, &owner_password), (APP_LOGIN, &app_password)],
                settings,
            ),
            app: owner.with_credentials(APP_LOGIN, Some(&app_password)),
            superuser: superuser.with_database(DATABASE),
            owner,
            server,
        };
        project.pre_create_extension(DATABASE).await;
        project
    }

    /// As the superuser: `CREATE EXTENSION vector` in `database` (managed services pre-create
    /// it; the owner could not).
    pub async fn pre_create_extension(&self, database: &str) {
        let db = connect(&self.superuser.with_database(database)).await;
        exec(&db, "CREATE EXTENSION IF NOT EXISTS vector").await;
        db.close().await.ok();
    }

    /// A new database owned by the owner (created by it: CREATEDB), with the extension
    /// pre-created: a fresh Neon branch's database, say.
    pub async fn create_database(&self, name: &str) {
        let owner = connect(&self.owner.with_database("postgres")).await;
        exec(&owner, &format!("CREATE DATABASE \"{name}\"")).await;
        owner.close().await.ok();
        self.pre_create_extension(name).await;
    }

    /// The owner's direct URL (of [`DATABASE`]).
    pub fn owner(&self) -> &DatabaseUrl {
        &self.owner
    }

    /// The application login's direct URL (the role exists after
    /// [`NeonProject::create_app_login`]).
    pub fn app(&self) -> &DatabaseUrl {
        &self.app
    }

    /// The superuser's URL of [`DATABASE`] (for checks only: no command runs as it).
    pub fn superuser(&self) -> &DatabaseUrl {
        &self.superuser
    }

    /// `direct` through the pooler (TLS, verify-full), with `query` added (`pgbouncer=true`).
    pub fn pooled(&self, direct: &DatabaseUrl, query: &str) -> DatabaseUrl {
        self.pooler.url(direct, query)
    }

    /// The pooler.
    pub fn pooler(&self) -> &PgBouncer {
        &self.pooler
    }

    /// The cluster.
    pub fn server(&self) -> &LocalServer {
        &self.server
    }

    /// As the owner: create the application login, grant it `neonhub_app` (which the
    /// migrations created) and give it the README's timeouts. Run after `migration up`.
    pub async fn create_app_login(&self) {
        let owner = connect(&self.owner).await;
        let password = self.app.password().expect("the login's password");
        exec(
            &owner,
            &format!(
                "CREATE ROLE {APP_LOGIN} LOGIN PASSWORD '{password}'; \
                 GRANT neonhub_app TO {APP_LOGIN}; \
                 ALTER ROLE {APP_LOGIN} SET statement_timeout = '30s'; \
                 ALTER ROLE {APP_LOGIN} SET lock_timeout = '5s'; \
                 ALTER ROLE {APP_LOGIN} SET idle_in_transaction_session_timeout = '60s'"
            ),
        )
        .await;
        owner.close().await.ok();
    }
}

/// A pool of 2 to `url`.
pub async fn connect(url: &DatabaseUrl) -> DatabaseConnection {
    neonhub_db::connect(url, TIMEOUT, 2)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"))
}

/// Run `sql` (simple protocol), panicking with its first words when it fails (the rest may
/// hold a password).
pub async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql).await.unwrap_or_else(|e| {
        let words: Vec<&str> = sql.split_whitespace().take(4).collect();
        panic!("{} …: {}", words.join(" "), neonhub_db::describe(&e))
    });
}

/// The session settings the pool checks read on every server connection: what a tool sets for
/// itself (`SET LOCAL` only) and must never leave behind for another client.
pub const CHECKED_SETTINGS: [&str; 4] = [
    "lock_timeout",
    "statement_timeout",
    "idle_in_transaction_session_timeout",
    "search_path",
];

/// One server connection of a pool, as a transaction pinned on it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSession {
    /// Its backend's pid.
    pub pid: i32,
    /// The values of [`CHECKED_SETTINGS`], in order.
    pub settings: Vec<String>,
    /// The prepared statements left on it.
    pub prepared: i64,
}

async fn raw(url: &DatabaseUrl) -> sea_orm::sqlx::PgConnection {
    use sea_orm::sqlx::Connection;
    let options = neonhub_db::preflight::connect_options(url).expect("options");
    sea_orm::sqlx::PgConnection::connect_with(&options)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"))
}

fn settings_sql() -> String {
    let reads: Vec<String> = CHECKED_SETTINGS
        .iter()
        .map(|s| format!("current_setting('{s}')"))
        .collect();
    format!(
        "SELECT pg_backend_pid()::text, (SELECT count(*) FROM pg_prepared_statements)::text, {}",
        reads.join(", ")
    )
}

async fn read_session(conn: &mut sea_orm::sqlx::PgConnection) -> ServerSession {
    use sea_orm::sqlx::Row;
    let sql = settings_sql();
    let row = sea_orm::sqlx::raw_sql(sea_orm::sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await
        .expect("read the session's settings");
    let text = |i: usize| row.try_get::<String, _>(i).expect("text");
    ServerSession {
        pid: text(0).parse().expect("pid"),
        prepared: text(1).parse().expect("count"),
        settings: (2..2 + CHECKED_SETTINGS.len()).map(text).collect(),
    }
}

/// Every server connection of the pool `pooled` leads to (one database, one user): `count`
/// client connections through the pooler each open a transaction and keep it open until all
/// have read their server connection (simple protocol only), so that each holds a server
/// connection of its own. Panics unless they saw `count` distinct backends.
pub async fn pool_sessions(pooled: &DatabaseUrl, count: u32) -> Vec<ServerSession> {
    let mut conns = Vec::new();
    for _ in 0..count {
        let mut conn = raw(pooled).await;
        sea_orm::sqlx::raw_sql("BEGIN")
            .execute(&mut conn)
            .await
            .expect("BEGIN through the pooler");
        conns.push(conn);
    }
    let mut sessions = Vec::new();
    for conn in &mut conns {
        sessions.push(read_session(conn).await);
    }
    for mut conn in conns {
        sea_orm::sqlx::raw_sql("ROLLBACK")
            .execute(&mut conn)
            .await
            .ok();
        use sea_orm::sqlx::Connection;
        conn.close().await.ok();
    }
    let mut pids: Vec<i32> = sessions.iter().map(|s| s.pid).collect();
    pids.sort_unstable();
    pids.dedup();
    assert_eq!(
        pids.len(),
        count as usize,
        "{count} open transactions through the pooler pinned {} server connections: {sessions:?}",
        pids.len()
    );
    sessions
}

/// The values of [`CHECKED_SETTINGS`] in a new direct session of `direct`'s role and database:
/// what every server connection of that pool must show.
pub async fn default_settings(direct: &DatabaseUrl) -> Vec<String> {
    let mut conn = raw(direct).await;
    let session = read_session(&mut conn).await;
    use sea_orm::sqlx::Connection;
    conn.close().await.ok();
    session.settings
}

/// Until nothing holds a table of `neonhub_locks` in the database of `superuser` (a server
/// notices a closed connection at once, a pooler its client's; allow them 10 s): panics with
/// the holders otherwise.
pub async fn assert_no_tool_lock_held(superuser: &DatabaseUrl) {
    let db = connect(superuser).await;
    let sql = "SELECT coalesce(string_agg(c.relname || ' by pid ' || l.pid, ', '), '') \
                 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                WHERE n.nspname = 'neonhub_locks' AND l.database = \
                      (SELECT oid FROM pg_database WHERE datname = current_database())";
    let mut holders = String::new();
    for _ in 0..100 {
        holders = crate::text(&db, sql).await;
        if holders.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    db.close().await.ok();
    assert!(holders.is_empty(), "tool locks still held: {holders}");
}

/// What the server connections of the pool that `pooler` keeps for `direct`'s role and database
/// (all of them pinned at once) show that differs from the role's defaults
/// ([`CHECKED_SETTINGS`]), one line each, and the connections seen.
pub async fn pool_leaks(
    pooler: &PgBouncer,
    direct: &DatabaseUrl,
) -> (Vec<String>, Vec<ServerSession>) {
    let defaults = default_settings(direct).await;
    let pooled = pooler.url(direct, "");
    let sessions = pool_sessions(&pooled, pooler.settings().pool_size).await;
    let mut leaks = Vec::new();
    for session in &sessions {
        for (name, (seen, default)) in CHECKED_SETTINGS
            .iter()
            .zip(session.settings.iter().zip(&defaults))
        {
            if seen != default {
                leaks.push(format!(
                    "server connection {}: {name} = {seen} (default {default})",
                    session.pid
                ));
            }
        }
    }
    (leaks, sessions)
}

/// Nothing left behind in the pool that `pooler` keeps for `direct`'s role and database: no
/// tool lock held in that database (read as `superuser`, any database of the server), and no
/// server connection of the pool with a setting other than the role's default
/// ([`pool_leaks`]). Returns the server connections seen.
pub async fn assert_pool_clean(
    pooler: &PgBouncer,
    direct: &DatabaseUrl,
    superuser: &DatabaseUrl,
) -> Vec<ServerSession> {
    assert_no_tool_lock_held(&superuser.with_database(&direct.database())).await;
    let (leaks, sessions) = pool_leaks(pooler, direct).await;
    assert!(
        leaks.is_empty(),
        "settings left in the pool: {}",
        leaks.join("; ")
    );
    sessions
}

impl NeonProject {
    /// [`pool_leaks`] of this project's pooler.
    pub async fn pool_leaks(&self, direct: &DatabaseUrl) -> (Vec<String>, Vec<ServerSession>) {
        pool_leaks(&self.pooler, direct).await
    }

    /// [`assert_pool_clean`] of this project's pooler.
    pub async fn assert_pool_clean(&self, direct: &DatabaseUrl) -> Vec<ServerSession> {
        assert_pool_clean(&self.pooler, direct, &self.superuser).await
    }
}
