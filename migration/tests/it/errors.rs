//! Every connection problem ends in a message a user can act on, a non-zero exit, and no
//! password in the output.

use sea_orm_migration::sea_orm::ConnectionTrait;
use std::process::{Command, Output};
use testkit::DatabaseUrlArg;
use testkit::TestDb;

fn run(args: &[&str], url: Option<&str>) -> Output {
    let dir = std::env::temp_dir().join("neonhub-errors-no-dotenv");
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migration"));
    cmd.current_dir(&dir)
        .env_remove("DATABASE_URL")
        .env_remove("DIRECT_DATABASE_URL")
        .env_remove("DATABASE_URL_UNPOOLED");
    if let Some(url) = url {
        cmd.database_url(url);
    }
    cmd.args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_fails_with(out: &Output, needles: &[&str]) {
    assert!(!out.status.success(), "must exit non-zero");
    let err = stderr(out);
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in: {err}");
    }
    assert!(!err.contains("hunter2"), "password leaked: {err}");
}

#[test]
fn missing_url() {
    let out = run(&["status"], None);
    assert_fails_with(&out, &["DATABASE_URL is not set", "make db-up"]);
}

#[test]
fn malformed_url() {
    let out = run(&["status"], Some("mysql://neon:hunter2@localhost/neonhub"));
    assert_fails_with(&out, &["malformed", "postgres://"]);
    let out = run(&["status"], Some("not a url at all"));
    assert_fails_with(&out, &["malformed"]);
}

#[test]
fn channel_binding_is_never_dropped_silently() {
    // Without TLS nothing would protect the connection: refused, saying what to use.
    let out = run(
        &["status"],
        Some("postgres://neon:hunter2@127.0.0.1:9/neonhub?channel_binding=require"),
    );
    assert_fails_with(
        &out,
        &[
            "channel_binding=require",
            "does not implement SCRAM channel binding",
            "sslmode=require",
        ],
    );
    // Over TLS (Neon's URLs): said once on stderr, then the connection goes ahead (nothing
    // listens here).
    let out = run(
        &["status", "--connect-timeout", "2"],
        Some("postgres://neon:hunter2@127.0.0.1:9/neonhub?sslmode=require&channel_binding=require"),
    );
    assert_fails_with(&out, &["cannot reach PostgreSQL at 127.0.0.1:9"]);
    let err = stderr(&out);
    assert_eq!(
        err.matches("warning: channel_binding=require in the URL of 127.0.0.1:9 is not enforced by this client")
            .count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("relies on TLS alone (sslmode=require"),
        "{err}"
    );
}

#[test]
fn a_missing_root_certificate_is_named_not_an_unreachable_server() {
    let out = run(
        &["status"],
        Some(
            "postgres://neon:hunter2@127.0.0.1:9/neonhub?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
        ),
    );
    assert_fails_with(&out, &["sslrootcert=/nonexistent/ca.pem", "does not exist"]);
    assert!(
        !stderr(&out).contains("Is the server running"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn server_not_listening() {
    let out = run(
        &["status"],
        Some("postgres://neon:hunter2@127.0.0.1:9/neonhub"),
    );
    assert_fails_with(
        &out,
        &["cannot reach PostgreSQL at 127.0.0.1:9", "make db-up"],
    );
}

#[test]
fn connect_timeout_names_host_and_port() {
    // A socket that accepts connections but never speaks Postgres.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let url = format!("postgres://neon:hunter2@127.0.0.1:{port}/neonhub");
    let started = std::time::Instant::now();
    let out = run(&["status", "--connect-timeout", "2"], Some(&url));
    assert_fails_with(&out, &["timed out after 2s", &format!("127.0.0.1:{port}")]);
    assert!(started.elapsed().as_secs() < 15);
    drop(listener);
}

#[tokio::test]
async fn unknown_database() {
    let db = TestDb::empty().await;
    let url = db.url().with_database("neonhub_no_such_database");
    let out = run(&["status"], Some(url.as_str()));
    assert_fails_with(
        &out,
        &["database 'neonhub_no_such_database' does not exist"],
    );
}

#[tokio::test]
async fn wrong_password() {
    // A role that has no password: every password is wrong (the local default demands one for
    // it; elsewhere servers demand passwords anyway).
    let db = TestDb::empty().await;
    db.conn()
        .execute_unprepared(
            "DO $$ BEGIN
               IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'neonhub_auth_probe') THEN
                 CREATE ROLE neonhub_auth_probe LOGIN;
               END IF;
             END $$",
        )
        .await
        .unwrap();
    let url = db
        .url()
        .with_credentials("neonhub_auth_probe", Some("hunter2"));
    let out = run(&["status"], Some(url.as_str()));
    assert_fails_with(
        &out,
        &["rejected the credentials of user 'neonhub_auth_probe'"],
    );
}

#[tokio::test]
async fn pgvector_missing_on_the_server() {
    // Both bundled servers ship pgvector, so the test hides it: a database whose search_path
    // finds an empty `pg_available_extensions` before pg_catalog's (what a server without the
    // extension's files reports).
    let db = TestDb::empty().await;
    db.conn()
        .execute_unprepared(&format!(
            "CREATE SCHEMA shadow;
             CREATE VIEW shadow.pg_available_extensions AS
                 SELECT * FROM pg_catalog.pg_available_extensions WHERE false;
             ALTER DATABASE \"{}\" SET search_path = shadow, pg_catalog, public",
            db.name()
        ))
        .await
        .unwrap();
    let out = run(&["up"], Some(db.url().as_str()));
    assert_fails_with(
        &out,
        &[
            "pgvector is not installed on this PostgreSQL server",
            "make db-up",
            "install pgvector",
        ],
    );
}

#[tokio::test]
async fn a_failing_migration_says_what_the_server_said_once_without_driver_internals() {
    let db = TestDb::empty().await;
    // The server refuses the first DDL statement (as a full disk would).
    db.conn()
        .execute_unprepared(
            "CREATE FUNCTION refuse_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
             BEGIN
                 RAISE EXCEPTION 'could not extend file: No space left on device'
                     USING ERRCODE = 'disk_full', HINT = 'Check free disk space.';
             END $$;
             CREATE EVENT TRIGGER refuse_ddl ON ddl_command_start EXECUTE FUNCTION refuse_ddl()",
        )
        .await
        .unwrap();
    let out = run(&["up"], Some(db.url().as_str()));
    assert_fails_with(
        &out,
        &[
            "could not extend file: No space left on device",
            "Check free disk space.",
            "SQLSTATE 53100",
        ],
    );
    let err = stderr(&out);
    assert_eq!(err.matches("No space left on device").count(), 1, "{err}");
    for internal in [
        "error returned from database",
        "Execution Error",
        " at line ",
    ] {
        assert!(!err.contains(internal), "{internal:?} in: {err}");
    }
}
