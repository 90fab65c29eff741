//! Connection errors against a TLS-only PostgreSQL name their real cause: a certificate the
//! client does not trust, or a `pg_hba.conf` that has no entry for this host, user and TLS mode;
//! and `sslmode=verify-full` with the CA as `sslrootcert` connects.
//!
//! The server is Debian's PostgreSQL (`/usr/lib/postgresql/<major>/bin`, 15 preferred: built
//! with OpenSSL, which the pgvector wheels are not), started for this test in a temporary folder
//! on a port in 55470-55479, with a CA and a server certificate made by the `openssl` command.
//! Without it the test is skipped with a reason, except in CI (`CI` set), where it must run
//! (`.ci/run` installs postgresql-15; GitHub's Ubuntu runners ship PostgreSQL 16).

use neonhub_db::{DatabaseUrl, DbError};
use sea_orm::ConnectionTrait;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The folder of Debian's PostgreSQL server programs: major 15 if installed, else the highest.
fn pg_bin() -> Option<PathBuf> {
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

/// Run `program` with `args`, as the `postgres` OS user when we are root (initdb refuses
/// root); panic with its output if it fails.
fn run(program: &str, args: &[&str], as_postgres: bool) {
    let mut cmd = if as_postgres && is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", program]);
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

/// A CA, and a server certificate it signed for `localhost` and 127.0.0.1.
fn certificates(dir: &Path) {
    let path = |name: &str| dir.join(name).display().to_string();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-days", "2", "-subj", "/CN=NeonHub test CA"];
    ca.extend(ec);
    let (ca_key, ca_pem) = (path("ca.key"), path("ca.pem"));
    ca.extend(["-keyout", &ca_key, "-out", &ca_pem]);
    ca.extend([
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    run("openssl", &ca, false);
    let (key, csr, crt, ext) = (
        path("server.key"),
        path("server.csr"),
        path("server.crt"),
        path("server.ext"),
    );
    let mut req = vec![
        "req",
        "-subj",
        "/CN=localhost",
        "-keyout",
        &key,
        "-out",
        &csr,
    ];
    req.extend(ec);
    run("openssl", &req, false);
    std::fs::write(
        &ext,
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca_pem,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            &crt,
            "-extfile",
            &ext,
        ],
        false,
    );
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
            run("chown", &["postgres", &dir.display().to_string()], false);
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
                run("chown", &["postgres", &target.display().to_string()], false);
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
            c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
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
    let Some(bin) = pg_bin() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run this test: install postgresql-15 (`apt-get install -y postgresql-15`)"
        );
        eprintln!(
            "skipped: no /usr/lib/postgresql/<major>/bin/initdb (apt-get install postgresql-15 \
             to run this test)"
        );
        return;
    };
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
