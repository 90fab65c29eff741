//! What a connection pooler in front of the server does to a client, and what the errors say:
//!
//! - a default PgBouncer refuses any startup parameter it does not know
//!   (`unsupported startup parameter: extra_float_digits`): the client sends none it does not
//!   need, results are unchanged, and a refused one is said with the fix;
//! - a transaction pooler without prepared-statement support hands a named prepared statement
//!   (`sqlx_s_N`) to another server connection (42P05 / 26000): said as such;
//! - `pgbouncer=true` and `channel_binding` never reach the driver.
//!
//! The pooler is emulated by [`Gate`]: a TCP proxy in front of the test server that reads the
//! startup packet as PgBouncer 1.18 does (only the parameters it tracks are accepted) and then
//! forwards the connection untouched; the prepared-statement collision is produced on the real
//! server, on one connection, exactly as the pooler would produce it. The last test does it
//! through a real PgBouncer ([`testkit::pgbouncer`]), default and with Neon's settings; the
//! collisions through it: entity/tests/it/pooler.rs.

use neonhub_db::{DatabaseUrl, DbError};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use testkit::TestDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The startup parameters PgBouncer accepts without `ignore_startup_parameters`.
const ACCEPTED: [&str; 7] = [
    "user",
    "database",
    "application_name",
    "client_encoding",
    "datestyle",
    "timezone",
    "standard_conforming_strings",
];

/// A PgBouncer-like gate: refuses a startup packet with a parameter it does not accept, with
/// PgBouncer's message; otherwise forwards the connection to `upstream`. Records every
/// parameter name it was sent.
struct Gate {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Gate {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (record, upstream) = (record.clone(), upstream.clone());
                tokio::spawn(async move {
                    let _ = serve(client, &upstream, record).await;
                });
            }
        });
        Self { port, seen }
    }

    fn url(&self, db: &TestDb, query: &str) -> DatabaseUrl {
        let direct = db.url();
        let mut url = format!(
            "postgres://{}:{}@127.0.0.1:{}/{}?sslmode=disable",
            direct.user().unwrap_or("postgres"),
            direct.password().unwrap_or_default(),
            self.port,
            direct.database()
        );
        if !query.is_empty() {
            url.push('&');
            url.push_str(query);
        }
        DatabaseUrl::parse(&url).unwrap()
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

async fn read_packet(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).await?;
    let len = u32::from_be_bytes(len) as usize;
    let mut body = vec![0u8; len.saturating_sub(4)];
    stream.read_exact(&mut body).await?;
    let mut packet = (len as u32).to_be_bytes().to_vec();
    packet.extend(body);
    Ok(packet)
}

async fn serve(
    mut client: TcpStream,
    upstream: &str,
    seen: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let mut startup = read_packet(&mut client).await?;
    // SSLRequest: no TLS here.
    if startup.len() == 8 && startup[4..8] == 80_877_103u32.to_be_bytes() {
        client.write_all(b"N").await?;
        startup = read_packet(&mut client).await?;
    }
    let fields: Vec<&[u8]> = startup[8..].split(|b| *b == 0).collect();
    let names: Vec<String> = fields
        .chunks(2)
        .filter(|pair| pair.len() == 2 && !pair[0].is_empty())
        .map(|pair| String::from_utf8_lossy(pair[0]).into_owned())
        .collect();
    seen.lock().unwrap().extend(names.iter().cloned());
    if let Some(refused) = names
        .iter()
        .find(|n| !ACCEPTED.contains(&n.to_ascii_lowercase().as_str()))
    {
        let mut body = Vec::new();
        for (code, value) in [
            (b'S', "FATAL"),
            (b'V', "FATAL"),
            (b'C', "08P01"),
            (b'M', &format!("unsupported startup parameter: {refused}")),
        ] {
            body.push(code);
            body.extend(value.as_bytes());
            body.push(0);
        }
        body.push(0);
        let mut message = vec![b'E'];
        message.extend(((body.len() + 4) as u32).to_be_bytes());
        message.extend(body);
        client.write_all(&message).await?;
        return client.shutdown().await;
    }
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(&startup).await?;
    tokio::io::copy_bidirectional(&mut client, &mut server).await?;
    Ok(())
}

#[tokio::test]
async fn a_default_pgbouncer_accepts_the_connection_and_results_do_not_change() {
    let db = TestDb::migrated().await;
    let gate = Gate::start(db.url().target()).await;
    // pgbouncer=true (Prisma's flag) and channel_binding are read by the client, not sent.
    let through = neonhub_db::connect(&gate.url(&db, "pgbouncer=true"), Duration::from_secs(10), 2)
        .await
        .expect("a pooler that accepts only its tracked parameters lets the client in");
    let seen = gate.seen();
    assert!(!seen.is_empty());
    assert!(
        !seen.iter().any(|n| n == "extra_float_digits"),
        "extra_float_digits sent: {seen:?}"
    );
    // Floats read the same as on a direct connection (binary results; text on 12+ is exact).
    let sql = "SELECT 0.1::float8 AS a, 1e-7::float4 AS b, 123456.789012345678::float8 AS c, \
                      (1/3.0)::float8 AS d";
    let read = |row: sea_orm::QueryResult| {
        (
            row.try_get::<f64>("", "a").unwrap(),
            row.try_get::<f32>("", "b").unwrap(),
            row.try_get::<f64>("", "c").unwrap(),
            row.try_get::<f64>("", "d").unwrap(),
        )
    };
    let statement = Statement::from_string(DbBackend::Postgres, sql);
    let pooled = read(
        through
            .query_one_raw(statement.clone())
            .await
            .unwrap()
            .unwrap(),
    );
    let direct = read(db.conn().query_one_raw(statement).await.unwrap().unwrap());
    assert_eq!(pooled, direct);
    assert_eq!(pooled.0, 0.1);
    through.close().await.ok();
}

#[tokio::test]
async fn a_refused_startup_parameter_names_the_pooler_and_the_fix() {
    let db = TestDb::migrated().await;
    let gate = Gate::start(db.url().target()).await;
    // Connection-scoped settings travel as the `options` startup parameter, which a default
    // PgBouncer refuses.
    let err = neonhub_db::connect_with_settings(
        &gate.url(&db, ""),
        Duration::from_secs(10),
        1,
        &[("lock_timeout", "5s".to_owned())],
    )
    .await
    .expect_err("the gate refuses `options`");
    assert!(
        matches!(&err, DbError::PoolerRejectedParameter { parameter, .. } if parameter == "options"),
        "{err}"
    );
    let text = err.to_string();
    for needle in [
        "unsupported startup parameter: options",
        "connection pooler",
        "ignore_startup_parameters",
        "DIRECT_DATABASE_URL",
    ] {
        assert!(text.contains(needle), "expected {needle:?} in: {text}");
    }
    assert!(!text.contains("Is the server running"), "{text}");
}

#[tokio::test]
async fn settings_of_a_session_end_with_it() {
    // Through a direct connection, the startup settings apply to the session and to no other.
    let db = TestDb::migrated().await;
    let session = neonhub_db::connect_with_settings(
        db.url(),
        Duration::from_secs(10),
        1,
        &[("lock_timeout", "1234ms".to_owned())],
    )
    .await
    .unwrap();
    assert_eq!(
        testkit::text(&session, "SELECT current_setting('lock_timeout')").await,
        "1234ms"
    );
    session.close().await.unwrap();
    assert_eq!(
        testkit::text(db.conn(), "SELECT current_setting('lock_timeout')").await,
        "0"
    );
}

/// On one connection, a prepared statement of the driver's name exists already (another
/// client of the same server connection prepared it, as through a transaction pooler).
#[tokio::test]
async fn a_prepared_statement_met_on_another_connection_is_explained() {
    let db = TestDb::migrated().await;
    let one = neonhub_db::connect(db.url(), Duration::from_secs(10), 1)
        .await
        .unwrap();
    one.execute_unprepared("PREPARE sqlx_s_1 AS SELECT 1")
        .await
        .unwrap();
    let err = one
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT $1::int AS n",
            [1.into()],
        ))
        .await
        .expect_err("the driver's first statement name is taken");
    assert_eq!(neonhub_db::sqlstate(&err).as_deref(), Some("42P05"));
    let text = neonhub_db::describe(&err);
    for needle in [
        "sqlx_s_1",
        "transaction pooler",
        "PgBouncer before 1.21",
        "pgbouncer=true",
        "DIRECT_DATABASE_URL",
    ] {
        assert!(text.contains(needle), "expected {needle:?} in: {text}");
    }
    one.close().await.ok();

    // And the other way round: the statement the driver prepared is gone (another server
    // connection): 26000.
    let two = neonhub_db::connect(db.url(), Duration::from_secs(10), 1)
        .await
        .unwrap();
    let statement =
        Statement::from_sql_and_values(DbBackend::Postgres, "SELECT $1::int AS n", [2.into()]);
    two.query_one_raw(statement.clone()).await.unwrap();
    two.execute_unprepared("DEALLOCATE ALL").await.unwrap();
    let err = two
        .query_one_raw(statement)
        .await
        .expect_err("the cached statement no longer exists");
    assert_eq!(neonhub_db::sqlstate(&err).as_deref(), Some("26000"));
    let text = neonhub_db::describe(&err);
    assert!(
        text.contains("transaction pooler") && text.contains("pgbouncer=true"),
        "{text}"
    );
    // Through the plumbing's error type, too.
    let text = DbError::from(err).to_string();
    assert!(text.contains("transaction pooler"), "{text}");
    two.close().await.ok();
}

#[tokio::test]
async fn a_missing_root_certificate_is_named_before_connecting() {
    let db = TestDb::migrated().await;
    let missing = std::env::temp_dir().join(format!("neonhub-no-ca-{}.pem", std::process::id()));
    let url = DatabaseUrl::parse(&format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        db.url().as_str(),
        missing.display()
    ))
    .unwrap();
    let err = neonhub_db::connect(&url, Duration::from_secs(5), 1)
        .await
        .expect_err("no such CA file");
    assert!(matches!(err, DbError::SslRootCert { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains(&missing.display().to_string()) && text.contains("does not exist"),
        "{text}"
    );
    assert!(!text.contains("Is the server running"), "{text}");

    // A file this user cannot read (meaningless for root, who reads everything).
    let unreadable = std::env::temp_dir().join(format!("neonhub-ca-{}.pem", std::process::id()));
    std::fs::write(&unreadable, "not a certificate").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&unreadable).is_err() {
        let url = DatabaseUrl::parse(&format!(
            "{}?sslmode=verify-ca&sslrootcert={}",
            db.url().as_str(),
            unreadable.display()
        ))
        .unwrap();
        let err = neonhub_db::connect(&url, Duration::from_secs(5), 1)
            .await
            .expect_err("unreadable CA file");
        assert!(err.to_string().contains("cannot be read"), "{err}");
    } else {
        eprintln!("skipped the unreadable case: this user reads files of mode 000 (root)");
    }
    std::fs::remove_file(&unreadable).ok();
}

#[tokio::test]
async fn channel_binding_without_tls_is_refused() {
    let db = TestDb::migrated().await;
    let url = DatabaseUrl::parse(&format!(
        "{}?channel_binding=require&sslmode=prefer",
        db.url().as_str()
    ))
    .unwrap();
    let err = neonhub_db::connect(&url, Duration::from_secs(5), 1)
        .await
        .expect_err("channel_binding=require over an unprotected connection");
    assert!(
        matches!(err, DbError::ChannelBindingWithoutTls { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("does not implement"), "{err}");
}

/// The same through a real PgBouncer (Debian's 1.18, transaction mode, TLS): a default one
/// (nothing in ignore_startup_parameters) lets every connection of this crate in, since none
/// sends `extra_float_digits`; a driver that does send it, and a session with settings in its
/// startup packet, are refused and said as the pooler's refusal with the fix; with Neon's
/// settings `extra_float_digits` passes and `options` is still refused.
#[tokio::test]
async fn a_real_pgbouncer_refuses_only_what_it_must_and_says_so() {
    use sea_orm::sqlx::{Connection, postgres::PgConnection};
    use testkit::pgbouncer::{PgBouncer, Settings};
    let db = TestDb::migrated().await;
    let direct = db.url().clone();
    let password = direct.password().unwrap_or_default();
    let user = direct.user().unwrap_or("postgres").to_owned();
    for settings in [Settings::default(), Settings::neon()] {
        let neon = !settings.ignore_startup_parameters.is_empty();
        let pooler = PgBouncer::start(&direct, &[(&user, &password)], settings);
        let url = pooler.url(&direct, "");
        // This crate's connections: in.
        let conn = neonhub_db::connect(&url, Duration::from_secs(10), 1)
            .await
            .expect("no startup parameter a default PgBouncer refuses");
        assert_eq!(
            testkit::text(
                &conn,
                "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            )
            .await,
            "false",
            "the pooler's server side is plain; the client side is TLS (verify-full)"
        );
        conn.close().await.ok();
        // sqlx's default sends extra_float_digits: a default PgBouncer refuses it, Neon's not.
        let options: sea_orm::sqlx::postgres::PgConnectOptions = url.driver_url().parse().unwrap();
        let raw = PgConnection::connect_with(&options).await;
        if neon {
            raw.expect("Neon's pooler ignores extra_float_digits")
                .close()
                .await
                .ok();
        } else {
            let err = raw.expect_err("a default PgBouncer refuses extra_float_digits");
            let said = DbError::from_sqlx(&url, &err, Duration::from_secs(10));
            assert!(
                matches!(&said, DbError::PoolerRejectedParameter { parameter, .. } if parameter == "extra_float_digits"),
                "{said}"
            );
            assert!(
                said.to_string().contains("ignore_startup_parameters"),
                "{said}"
            );
        }
        // Settings of a session in its startup packet: refused by both, with the fix.
        let err = neonhub_db::connect_with_settings(
            &url,
            Duration::from_secs(10),
            1,
            &[("lock_timeout", "5s".to_owned())],
        )
        .await
        .expect_err("options refused");
        let text = err.to_string();
        for needle in [
            "unsupported startup parameter: options",
            "connection pooler",
            "DIRECT_DATABASE_URL",
        ] {
            assert!(text.contains(needle), "expected {needle:?} in: {text}");
        }
        // A tool's session for concurrent builds goes on without them, and says so.
        let (session, pooler_seen) = neonhub_db::connect_tool_session(
            &url,
            Duration::from_secs(10),
            &[("lock_timeout", "5s".to_owned())],
            "test",
        )
        .await
        .expect("the session without settings");
        assert!(pooler_seen.is_some());
        // Simple protocol only on such a session (a prepared statement would meet others').
        use sea_orm::sqlx::Row;
        let row = sea_orm::sqlx::raw_sql("SELECT current_setting('lock_timeout')")
            .fetch_one(session.get_postgres_connection_pool())
            .await
            .unwrap();
        assert_eq!(row.try_get::<String, _>(0).unwrap(), "0");
        session.close().await.ok();
    }
}

/// Behind a transaction pooler a tool's statement is committed when its connection comes back
/// to the pool (a release hook sqlx runs in a task of its own): closing the pool as soon as the
/// statement returned rolled it back (the migration runner lost the checksum of the last
/// migration it applied this way). `neonhub_db::close` waits for the connections first. Each
/// round writes a row as its last statement and closes at once; every row must be there.
#[tokio::test]
async fn the_last_statement_before_close_is_committed_through_a_pooler() {
    use testkit::pgbouncer::{PgBouncer, Settings};
    let db = TestDb::migrated().await;
    let direct = db.url().clone();
    let password = direct.password().unwrap_or_default();
    let user = direct.user().unwrap_or("postgres").to_owned();
    let pooler = PgBouncer::start(&direct, &[(&user, &password)], Settings::neon());
    let url = pooler.url(&direct, "pgbouncer=true");
    db.conn()
        .execute_unprepared("CREATE TABLE last_writes (n int PRIMARY KEY)")
        .await
        .unwrap();
    let rounds = 20;
    for n in 0..rounds {
        let tool = neonhub_db::connect(&url, Duration::from_secs(10), 1)
            .await
            .unwrap();
        tool.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO last_writes (n) VALUES ($1)",
            [n.into()],
        ))
        .await
        .unwrap();
        neonhub_db::close(tool).await.unwrap();
    }
    assert_eq!(
        testkit::text(db.conn(), "SELECT count(*)::text FROM last_writes").await,
        rounds.to_string(),
        "a write of the last statement before close was rolled back"
    );
}
