//! The local server of `scripts/local-pg.sh` does not trust other users of the machine:
//! passwords (scram-sha-256) on the socket and on loopback, kept in 0600 files and a 0600
//! `.env`, a 0700 socket directory, the application login under row-level security, and a
//! base folder that is refused when someone else owns it or may write to it.
//!
//! Each test starts its own server (ports 55442-55449) in a folder of its own, reusing the
//! installed wheel of the development server (`make db-up`).

use neonhub_db::DatabaseUrl;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use testkit::local_server::LocalServer;

/// The ports these tests may use.
const PORTS: std::ops::RangeInclusive<u16> = 55442..=55449;

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

async fn query_one(url: &str, sql: &str) -> Vec<String> {
    let url = DatabaseUrl::parse(url).expect("a valid URL");
    let db = neonhub_db::connect(&url, Duration::from_secs(10), 1)
        .await
        .expect("connect with the password from the script");
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .expect(sql)
        .expect("one row");
    (0..3)
        .map_while(|i| {
            row.try_get_by_index::<String>(i)
                .or_else(|_| row.try_get_by_index::<bool>(i).map(|b| b.to_string()))
                .ok()
        })
        .collect()
}

#[tokio::test]
async fn passwords_private_files_and_the_application_login() {
    let server = LocalServer::prepare("local-pg", PORTS);
    server.up();

    // Files: passwords and .env 0600, socket directory 0700, the base folder not writable by
    // others.
    assert_eq!(mode(&server.env_file), 0o600, ".env");
    for file in ["postgres-16.password", "neonhub_api-16.password"] {
        assert_eq!(mode(&server.base.join(file)), 0o600, "{file}");
    }
    assert_eq!(mode(&server.base.join("run-16")), 0o700, "socket directory");
    assert_eq!(
        mode(&server.base) & 0o022,
        0,
        "base folder writable by others"
    );
    let env = std::fs::read_to_string(&server.env_file).expect("the env file");
    let owner = server.url("url");
    let app = server.url("app-url");
    assert!(env.contains(&format!("DATABASE_URL={owner}\n")), "{env}");
    assert!(env.contains(&format!("DATABASE_APP_URL={app}\n")), "{env}");
    assert!(
        DatabaseUrl::parse(&owner)
            .expect("owner URL")
            .password()
            .is_some_and(|p| p.len() >= 32),
        "the owner URL carries a generated password"
    );

    // Without the password, over TCP, as another OS user (or as us when not root): refused.
    let psql = server.bin().join("psql");
    let port = server.port.to_string();
    let args = [
        "-X",
        "-w",
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-c",
        "SELECT 1",
    ];
    // Another OS user needs a client it may execute: the wheel's may sit in a private folder
    // (the /var/tmp fallback is 0710), so Debian's psql when installed (CI installs it).
    let system_psql = Path::new("/usr/bin/psql");
    let out = if is_root() && system_psql.exists() {
        Command::new("runuser")
            .args(["-u", "nobody", "--"])
            .arg(system_psql)
            .args(args)
            .env_remove("PGPASSWORD")
            .output()
    } else {
        Command::new(&psql)
            .args(args)
            .env_remove("PGPASSWORD")
            .output()
    }
    .expect("run psql");
    assert!(!out.status.success(), "connected without a password");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("password"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A wrong password too.
    let out = Command::new(&psql)
        .args(args)
        .env("PGPASSWORD", "not-the-password")
        .output()
        .expect("run psql");
    assert!(!out.status.success(), "connected with a wrong password");

    // With the password: the owner is the superuser; the application login is neither
    // superuser nor BYPASSRLS, and is a member of neonhub_app.
    assert_eq!(
        query_one(&owner, "SELECT current_user::text").await,
        ["postgres"]
    );
    assert_eq!(
        query_one(
            &app,
            "SELECT current_user::text, (rolsuper OR rolbypassrls)::text, \
             pg_has_role('neonhub_app', 'member')::text FROM pg_roles WHERE rolname = current_user"
        )
        .await,
        ["neonhub_api", "false", "true"]
    );

    // `up` again: nothing changes.
    server.up();
    assert_eq!(
        std::fs::read_to_string(&server.env_file).expect("the env file"),
        env
    );
}

#[test]
fn a_base_folder_owned_by_someone_else_or_writable_by_others_is_refused() {
    let server = LocalServer::prepare("local-pg-refuse", PORTS);
    std::fs::set_permissions(&server.base, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let out = server.run(&["up"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a world-writable base was used");
    assert!(stderr.contains("writable by others"), "{stderr}");

    if is_root() {
        // Planted by another user (the predictable /var/tmp name): refused before anything runs.
        std::fs::set_permissions(&server.base, std::fs::Permissions::from_mode(0o700))
            .expect("chmod");
        let status = Command::new("chown")
            .args(["nobody", server.base.to_str().expect("utf-8")])
            .status()
            .expect("chown");
        assert!(status.success());
        assert_ne!(std::fs::metadata(&server.base).expect("base").uid(), 0);
        let out = server.run(&["up"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "a base owned by nobody was used");
        assert!(stderr.contains("belongs to uid"), "{stderr}");
        assert!(
            !server.base.join("data-16").exists(),
            "nothing may be created in it"
        );
    }
}
