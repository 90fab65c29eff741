//! Test support: every test gets its own database on the server named by `DATABASE_URL`
//! (environment or `.env`), so tests run in parallel and leave nothing behind.
//!
//! [`TestDb::migrated`] clones a template database that holds the fully migrated schema
//! (`CREATE DATABASE … TEMPLATE`: fast, and equal for every test). The template is built once
//! per set of migration sources (its name carries their fingerprint) under an advisory lock, so
//! parallel test processes share it. [`TestDb::empty`] gives an empty database for tests that
//! drive migrations themselves. Dropping a [`TestDb`] drops its database, also when the test
//! panics.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use migration::{Migrator, MigratorTrait};
use neonhub_db::{AdvisoryLock, DatabaseUrl, catalog::Catalog};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::time::Duration;

pub mod child;
pub mod citus;
pub mod local_server;
pub mod neon;
pub mod pgbouncer;
pub use child::{DatabaseUrlArg, workspace_binary};
pub mod tool_locks;
pub use neonhub_db;

const TEMPLATE_PREFIX: &str = "neonhub_tpl_";
const TEST_PREFIX: &str = "neonhub_test_";
const TIMEOUT: Duration = Duration::from_secs(30);

/// The server under test: `DATABASE_URL` from the environment or `.env`.
///
/// Panics with a message saying how to start the local default when none is configured.
pub fn server_url() -> DatabaseUrl {
    DatabaseUrl::resolve(None).unwrap_or_else(|err| {
        panic!("tests need a PostgreSQL server with pgvector: {err}. Run `make db-up` (or `make test`).")
    })
}

/// The first column of the one row of `sql`, as text (NULL as empty): for assertions.
///
/// # Panics
/// When the query fails or returns no row.
pub async fn text<C: ConnectionTrait>(db: &C, sql: &str) -> String {
    db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: no row"))
        .try_get_by_index::<Option<String>>(0)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_default()
}

/// The organization of [`conversation_with_messages`].
pub const MESSAGES_ORG: &str = "0190a0a0-0000-7000-8000-000000000001";
/// The conversation of [`conversation_with_messages`].
pub const MESSAGES_CONVERSATION: &str = "0190a0a0-0000-7000-8000-000000000002";

/// One organization ([`MESSAGES_ORG`]) with one conversation ([`MESSAGES_CONVERSATION`]) of
/// `n` user messages with random 1536-d embeddings, written in SQL (for tests of a schema at
/// any point of its history, where the entities may not fit).
///
/// # Panics
/// When the inserts fail.
pub async fn conversation_with_messages<C: ConnectionTrait>(db: &C, n: u64) {
    let sql = format!(
        "INSERT INTO organizations (id, slug, name) VALUES ('{MESSAGES_ORG}', 'w', 'W');
         INSERT INTO conversations (id, organization_id) VALUES
             ('{MESSAGES_CONVERSATION}', '{MESSAGES_ORG}');
         INSERT INTO messages (organization_id, conversation_id, role, content, embedding)
         SELECT '{MESSAGES_ORG}', '{MESSAGES_CONVERSATION}', 'user', '{{}}'::jsonb,
                (SELECT array_agg(random())::vector(1536) FROM generate_series(1, 1536) WHERE g > 0)
           FROM generate_series(1, {n}) g"
    );
    db.execute_unprepared(&sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The first column of the one row of `sql`, as a bigint (`count(*)` and the like): for
/// assertions.
///
/// # Panics
/// When the query fails, returns no row or a value that is not a non-NULL bigint.
pub async fn int<C: ConnectionTrait>(db: &C, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: no row"))
        .try_get_by_index::<i64>(0)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// A database created for one test and dropped when this value is dropped.
pub struct TestDb {
    conn: Option<DatabaseConnection>,
    url: DatabaseUrl,
    admin: DatabaseUrl,
    name: String,
}

async fn admin_exec(admin: &DatabaseConnection, sql: &str) {
    admin
        .execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn connect(url: &DatabaseUrl, max: u32) -> DatabaseConnection {
    neonhub_db::connect(url, TIMEOUT, max)
        .await
        .unwrap_or_else(|e| panic!("tests cannot connect: {e}. Run `make db-up` (or `make test`)."))
}

/// Name of the template database for this build's migrations.
pub fn template_name() -> String {
    format!(
        "{TEMPLATE_PREFIX}{}",
        &migration::state::SOURCE_FINGERPRINT[..12]
    )
}

/// Make sure the migrated template exists (build it once, under a lock shared by all test
/// processes) and return its name.
async fn ensure_template(server: &DatabaseUrl, admin: &DatabaseConnection) -> String {
    let template = template_name();
    let lock = AdvisoryLock::acquire(
        server,
        "neonhub:test-template",
        TIMEOUT,
        Duration::from_secs(300),
    )
    .await
    .expect("template lock");
    let ready = admin
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate",
            [template.clone().into()],
        ))
        .await
        .expect("query pg_database")
        .is_some();
    if !ready {
        // Templates of older migration sources, and a half-built one of ours, go first.
        let stale = admin
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT datname FROM pg_database WHERE datname LIKE $1",
                [format!("{TEMPLATE_PREFIX}%").into()],
            ))
            .await
            .expect("list templates");
        for row in stale {
            let name: String = row.try_get("", "datname").expect("datname");
            admin_exec(
                admin,
                &format!("ALTER DATABASE \"{name}\" IS_TEMPLATE false"),
            )
            .await;
            admin_exec(
                admin,
                &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            )
            .await;
        }
        admin_exec(admin, &format!("CREATE DATABASE \"{template}\"")).await;
        let conn = connect(&server.with_database(&template), 2).await;
        Migrator::up(&conn, None)
            .await
            .expect("migrating the template database");
        conn.close().await.expect("close template connection");
        admin_exec(
            admin,
            &format!("ALTER DATABASE \"{template}\" IS_TEMPLATE true"),
        )
        .await;
    }
    lock.release().await.expect("release template lock");
    template
}

impl TestDb {
    /// A fresh database holding the fully migrated schema and no rows.
    pub async fn migrated() -> Self {
        Self::create(true).await
    }

    /// A fresh, empty database (no extension, no migration applied).
    pub async fn empty() -> Self {
        Self::create(false).await
    }

    /// A fresh database with every migration applied that comes before `migration` (so that a
    /// test can apply that one itself).
    pub async fn migrated_until(migration: &str) -> Self {
        let db = Self::empty().await;
        let before = Migrator::migrations()
            .iter()
            .position(|m| m.name() == migration)
            .unwrap_or_else(|| panic!("no migration named {migration}"));
        Migrator::up(db.conn(), Some(before as u32))
            .await
            .expect("migrating up to the given migration");
        db
    }

    async fn create(migrated: bool) -> Self {
        let server = server_url();
        let admin = connect(&server, 1).await;
        let name = format!("{TEST_PREFIX}{}", uuid::Uuid::now_v7().simple());
        if migrated {
            let template = ensure_template(&server, &admin).await;
            admin_exec(
                &admin,
                &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""),
            )
            .await;
            // Database privileges are not copied from a template: the migrations' own
            // (m20261207_000600: no TEMPORARY for PUBLIC, CONNECT for neonhub_app) again.
            admin_exec(
                &admin,
                &format!(
                    "REVOKE TEMPORARY ON DATABASE \"{name}\" FROM PUBLIC; \
                     GRANT CONNECT ON DATABASE \"{name}\" TO neonhub_app"
                ),
            )
            .await;
        } else {
            admin_exec(&admin, &format!("CREATE DATABASE \"{name}\"")).await;
        }
        admin.close().await.ok();
        let url = server.with_database(&name);
        let conn = connect(&url, 5).await;
        Self {
            conn: Some(conn),
            url,
            admin: server,
            name,
        }
    }

    /// The connection pool of this database.
    pub fn conn(&self) -> &DatabaseConnection {
        self.conn.as_ref().expect("connection open until drop")
    }

    /// The URL of this database (to hand to a binary under test).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Pretend that the source of the applied migration `name` was edited after it was applied:
    /// its checksum recorded by the runner (which must have run) no longer matches this build's.
    pub async fn pretend_edited(&self, name: &str) {
        admin_exec(
            self.conn(),
            &format!(
                "UPDATE {} SET checksum = 'edited' WHERE version = '{name}'",
                migration::state::CHECKSUM_TABLE
            ),
        )
        .await;
    }

    /// A snapshot of this database's schema.
    pub async fn catalog(&self) -> Catalog {
        Catalog::read(self.conn()).await.expect("read catalog")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let conn = self.conn.take();
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Async work cannot run in `drop`; a short-lived runtime on its own thread can.
        let dropper = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                // The pool belongs to the test's runtime: let it go, and let the server end
                // its sessions (`WITH (FORCE)`).
                drop(conn);
                if let Ok(admin) = neonhub_db::connect(&admin, TIMEOUT, 1).await {
                    admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await
                        .ok();
                    admin.close().await.ok();
                }
            });
        });
        dropper.join().ok();
    }
}

/// A login role of the test's own, granted the application role `neonhub_app` (so row-level
/// security applies to it), with a pool connected as that role and a ticket key installed in the
/// test's database (so that the test can enter any tenant as the API would, with
/// [`AppLogin::ticket`]). Call [`AppLogin::drop_role`] at the end of the test (roles are
/// cluster-wide).
pub struct AppLogin {
    admin: DatabaseConnection,
    role: String,
    /// Connections as the login role.
    pub conn: DatabaseConnection,
    /// The ticket key installed in the database (the API's `NEONHUB_TICKET_KEYS`).
    pub key: entity::tenant::TicketKey,
    /// The login's URL (with its password), for tests that need connections of their own.
    pub url: DatabaseUrl,
}

impl AppLogin {
    /// Create the role (random name and password) on `db`'s server, install a random ticket key
    /// into `db`, and connect as the role.
    pub async fn new(db: &TestDb) -> Self {
        let role = format!(
            "neonhub_api_{}",
            &uuid::Uuid::now_v7().simple().to_string()[20..]
        );
        let password = uuid::Uuid::now_v7().simple().to_string();
        admin_exec(
            db.conn(),
            &format!("CREATE ROLE {role} LOGIN PASSWORD '{password}'; GRANT neonhub_app TO {role}"),
        )
        .await;
        let key = entity::tenant::TicketKey::generate("test").expect("a random ticket key");
        // A database that was never migrated (tests of the migrations themselves) has no
        // ticket keys to install the key into.
        let migrated = db
            .conn()
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT 1 FROM pg_class WHERE oid = to_regclass('neonhub_private.ticket_keys')",
            ))
            .await
            .expect("look for the ticket keys")
            .is_some();
        if migrated {
            entity::tenant::TicketKeys::new([key.clone()])
                .expect("one key")
                .install(db.conn())
                .await
                .expect("install the ticket key");
        }
        let url = db.url().with_credentials(&role, Some(&password));
        let conn = connect(&url, 2).await;
        Self {
            admin: db.conn().clone(),
            role,
            conn,
            key,
            url,
        }
    }

    /// A credential for `tenant`, signed with the installed key (as the API signs one per
    /// request).
    pub fn ticket(&self, tenant: entity::tenant::Tenant) -> entity::tenant::Credential {
        self.key.ticket(tenant)
    }

    /// The login role's name.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// Close the connections and drop the role.
    pub async fn drop_role(self) {
        self.conn.close().await.ok();
        self.admin
            .execute_unprepared(&format!("DROP ROLE {}", self.role))
            .await
            .ok();
    }
}

/// Run the binary `program` with `--json` against a server that does not listen, with a
/// password in the URL, and check what a script sees: a non-zero exit, `{"error": …}` on stdout
/// naming the server, `error: …` on stderr, and the password nowhere. Returns the error text.
pub fn assert_json_error_without_password(program: &str) -> String {
    let secret = format!("pw{}", std::process::id());
    let out = std::process::Command::new(program)
        .arg("--database-url")
        .arg(format!("postgres://someone:{secret}@127.0.0.1:9/neonhub"))
        .args(["--json", "--connect-timeout", "2"])
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(!out.status.success(), "{program} must fail");
    assert!(
        !stdout.contains(&secret) && !stderr.contains(&secret),
        "password leaked: {stdout}{stderr}"
    );
    let error: serde_json::Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout:?}"));
    let message = error["error"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("127.0.0.1:9"), "{stdout}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    message
}
