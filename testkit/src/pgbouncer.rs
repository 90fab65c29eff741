//! A real PgBouncer in front of a PostgreSQL server, for tests: Debian's package (1.18 on
//! bookworm: no prepared-statement support, as older PgBouncers, Supavisor and many hosted
//! poolers), in **transaction** mode, on a free port of the loopback interface.
//!
//! - The program comes from `scripts/pgbouncer.sh bin`: `pgbouncer` on PATH (a newer build put
//!   first on PATH measures Neon's pooler: `bench-pooler --max-prepared-statements`), or
//!   Debian's `/usr/sbin/pgbouncer`, else `apt-get install -y pgbouncer` as root, else `apt-get download`
//!   of it and its libraries unpacked into `.local/pgbouncer` (run with `LD_LIBRARY_PATH`); the
//!   test fails with what to install when none of these works.
//! - Its configuration, user list (plain passwords: it logs in to the server for its clients),
//!   TLS key and log live in a private folder (0700, files 0600) that goes with it.
//! - Clients must use TLS (`client_tls_sslmode = require`), with a certificate for `localhost`
//!   and 127.0.0.1 signed by a CA made here (rcgen): [`PgBouncer::url`] gives
//!   `sslmode=verify-full&sslrootcert=<that CA>`, as a Neon URL is verified.
//! - [`Settings::default`] is a default PgBouncer (no `ignore_startup_parameters`: a client that
//!   sends `extra_float_digits` or `options` is refused), [`Settings::neon`] ignores
//!   `extra_float_digits` as Neon's pooler does. Either way a small `default_pool_size` (4), so
//!   that the server connections of a pool are shared by many clients.
//! - It never runs as root: as root, `-u <user>` switches to the server's user (`postgres`, or
//!   `neonhub-pg` made by `scripts/local-pg.sh`; `nobody` otherwise) after reading its files.
//! - It stops when the value is dropped, and also when the test process dies (it runs under a
//!   small shell that ends it when the test's end of a pipe closes).

use neonhub_db::DatabaseUrl;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How the pooler is configured.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `default_pool_size`: server connections per (database, user) pool.
    pub pool_size: u32,
    /// `ignore_startup_parameters` (empty: PgBouncer's default, which refuses any startup
    /// parameter it does not track).
    pub ignore_startup_parameters: Vec<String>,
    /// `max_client_conn`.
    pub max_client_conn: u32,
    /// `max_prepared_statements` (PgBouncer 1.21+; 0: the line is not written, as 1.18 does
    /// not know it).
    pub max_prepared_statements: u32,
}

impl Default for Settings {
    /// A default PgBouncer (nothing ignored) with 4 server connections per pool.
    fn default() -> Self {
        Self {
            pool_size: 4,
            ignore_startup_parameters: Vec::new(),
            max_client_conn: 200,
            max_prepared_statements: 0,
        }
    }
}

impl Settings {
    /// As Neon's pooler (its documented `ignore_startup_parameters`), still 1.18 and 4 server
    /// connections per pool.
    pub fn neon() -> Self {
        Self {
            ignore_startup_parameters: vec!["extra_float_digits".into()],
            ..Self::default()
        }
    }

    /// Another pool size.
    pub fn pool_size(mut self, size: u32) -> Self {
        self.pool_size = size;
        self
    }

    /// Track up to `n` prepared statements per connection (PgBouncer 1.21+, as Neon's pooler).
    pub fn max_prepared_statements(mut self, n: u32) -> Self {
        self.max_prepared_statements = n;
        self
    }
}

/// The pgbouncer program to run (see the module header); panics with the script's explanation
/// when there is none.
pub fn program() -> PathBuf {
    static PROGRAM: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PROGRAM
        .get_or_init(|| {
            let out = Command::new("bash")
                .arg(crate::local_server::workspace().join("scripts/pgbouncer.sh"))
                .arg("bin")
                .output()
                .expect("run scripts/pgbouncer.sh bin");
            assert!(
                out.status.success(),
                "no PgBouncer for the pooler tests: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        })
        .clone()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The unprivileged user PgBouncer switches to when the tests run as root.
fn run_as() -> &'static str {
    let exists = |user: &str| {
        Command::new("id")
            .args(["-u", user])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    ["postgres", "neonhub-pg"]
        .into_iter()
        .find(|u| exists(u))
        .unwrap_or("nobody")
}

/// A CA (`ca.pem`) and a certificate it signed for `localhost` and 127.0.0.1 (`server.crt`,
/// `server.key`), written into `dir` with mode 0600.
fn certificates(dir: &Path) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.distinguished_name
        .push(DnType::CommonName, "NeonHub test pooler CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).expect("self-signed CA");
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().expect("server key");
    let mut server = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("server params");
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    server.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = server.signed_by(&key, &issuer).expect("signed certificate");
    write_private(&dir.join("ca.pem"), &ca_cert.pem());
    write_private(&dir.join("server.crt"), &cert.pem());
    write_private(&dir.join("server.key"), &key.serialize_pem());
}

/// Write `text` into a new file of mode 0600.
fn write_private(path: &Path, text: &str) {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
    file.write_all(text.as_bytes())
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// A running PgBouncer; stopped, and its folder removed, on drop.
pub struct PgBouncer {
    child: Option<Child>,
    dir: PathBuf,
    port: u16,
    settings: Settings,
}

impl PgBouncer {
    /// Start PgBouncer in transaction mode in front of the server of `upstream` (its host and
    /// port; every database, by name), letting in `logins` (user, password) with SCRAM, with
    /// `settings`.
    ///
    /// # Panics
    /// When it cannot be had or does not start (with its log).
    pub fn start(upstream: &DatabaseUrl, logins: &[(&str, &str)], settings: Settings) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let program = program();
        let root = is_root();
        let mut last_log = String::new();
        // A port found free can be taken before PgBouncer binds it (another test): try again.
        for _attempt in 0..5 {
            let dir = std::env::temp_dir().join(format!(
                "neonhub-pgbouncer-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir(&dir).expect("create the pooler's folder");
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                .expect("chmod 0700");
            certificates(&dir);
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let users: String = logins
                .iter()
                .map(|(user, password)| {
                    format!(
                        "\"{}\" \"{}\"\n",
                        user.replace('"', "\"\""),
                        password.replace('"', "\"\"")
                    )
                })
                .collect();
            write_private(&dir.join("userlist.txt"), &users);
            let upstream_port = upstream
                .target()
                .rsplit(':')
                .next()
                .unwrap_or("5432")
                .to_owned();
            let config = format!(
                "[databases]\n\
                 * = host={host} port={upstream_port}\n\
                 [pgbouncer]\n\
                 listen_addr = 127.0.0.1\n\
                 listen_port = {port}\n\
                 unix_socket_dir =\n\
                 auth_type = scram-sha-256\n\
                 auth_file = {dir}/userlist.txt\n\
                 pool_mode = transaction\n\
                 default_pool_size = {pool}\n\
                 max_client_conn = {max_client}\n\
                 ignore_startup_parameters = {ignore}\n\
                 client_tls_sslmode = require\n\
                 client_tls_key_file = {dir}/server.key\n\
                 client_tls_cert_file = {dir}/server.crt\n\
                 server_tls_sslmode = disable\n\
                 log_connections = 0\n\
                 log_disconnections = 0\n{prepared}",
                host = upstream.host(),
                dir = dir.display(),
                pool = settings.pool_size,
                max_client = settings.max_client_conn,
                ignore = settings.ignore_startup_parameters.join(","),
                prepared = match settings.max_prepared_statements {
                    0 => String::new(),
                    n => format!("max_prepared_statements = {n}\n"),
                },
            );
            write_private(&dir.join("pgbouncer.ini"), &config);
            let log = dir.join("pgbouncer.log");
            write_private(&log, "");
            let mut args: Vec<String> = Vec::new();
            if root {
                let user = run_as();
                let chown = Command::new("chown")
                    .args(["-R", user])
                    .arg(&dir)
                    .status()
                    .expect("chown");
                assert!(chown.success(), "chown -R {user} {}", dir.display());
                args.extend(["-u".to_owned(), user.to_owned()]);
            }
            args.push(dir.join("pgbouncer.ini").display().to_string());
            // The shell ends PgBouncer when its standard input (our pipe) closes: on drop, and
            // when this process dies without dropping it.
            let child = Command::new("sh")
                .arg("-c")
                .arg("\"$@\" <&- & child=$!; cat >/dev/null; kill -TERM $child 2>/dev/null; wait $child")
                .arg("pgbouncer-watch")
                .arg(&program)
                .args(&args)
                .stdin(Stdio::piped())
                .stdout(Stdio::from(
                    std::fs::OpenOptions::new()
                        .append(true)
                        .open(&log)
                        .expect("log"),
                ))
                .stderr(Stdio::from(
                    std::fs::OpenOptions::new()
                        .append(true)
                        .open(&log)
                        .expect("log"),
                ))
                .spawn()
                .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
            let bouncer = Self {
                child: Some(child),
                dir,
                port,
                settings: settings.clone(),
            };
            let started = Instant::now();
            loop {
                let log = bouncer.log();
                if log.contains(&format!("listening on 127.0.0.1:{port}")) {
                    return bouncer;
                }
                if log.contains("FATAL") || log.contains("ERROR") {
                    last_log = log;
                    break;
                }
                if started.elapsed() > Duration::from_secs(15) {
                    panic!("PgBouncer did not start within 15 s; its log:\n{log}");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            drop(bouncer);
            if !last_log.contains("Address already in use") {
                break;
            }
        }
        panic!("PgBouncer did not start; its log:\n{last_log}");
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The CA file that signed its certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// `direct` (a URL of the server behind it) through the pooler: same user, password and
    /// database, TLS verified against [`PgBouncer::ca_file`] (`sslmode=verify-full`), with
    /// `query` added (e.g. `pgbouncer=true`).
    pub fn url(&self, direct: &DatabaseUrl, query: &str) -> DatabaseUrl {
        let user = direct.user().unwrap_or("postgres");
        let credentials = match direct.password() {
            Some(password) => format!("{}:{}", user, percent_encode(&password)),
            None => user.to_owned(),
        };
        let mut url = format!(
            "postgres://{credentials}@localhost:{}/{}?sslmode=verify-full&sslrootcert={}",
            self.port,
            direct.database(),
            self.ca_file().display()
        );
        if !query.is_empty() {
            url.push('&');
            url.push_str(query);
        }
        DatabaseUrl::parse(&url).expect("the pooler's URL")
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("pgbouncer.log")).unwrap_or_default()
    }
}

/// `text` with every byte but unreserved ones percent-encoded (for a URL's password).
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Closing its standard input makes the watching shell stop PgBouncer.
            drop(child.stdin.take());
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) | Err(_) => break,
                    Ok(None) if Instant::now() > deadline => {
                        child.kill().ok();
                        child.wait().ok();
                        break;
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        }
        std::fs::remove_dir_all(&self.dir).ok();
    }
}
