//! The application path through a real transaction pooler without prepared-statement support
//! (Debian's PgBouncer 1.18, transaction mode, 4 server connections for 8 client connections):
//!
//! - [`neonhub_db::app::connect_app`] in transaction-pooler mode (`pgbouncer=true`):
//!   `with_tenant` 600 times over 8 connections and 10 tenants, each transaction checking that
//!   it sees exactly its own tenant's rows, its own point reads, and a value computed from its
//!   own parameters: 0 errors, 0 wrong answers;
//! - the same without the mode (the statement cache on, no `DEALLOCATE ALL`): errors and wrong
//!   answers, counted, so the test shows the mode is what makes the difference;
//! - `migration down -n 3` and `up` through the pooler while the application works through it
//!   (the Neon emulation, a non-superuser owner): no setting left on any server connection of
//!   the owner's pool or the application's.

use entity::prelude::*;
use entity::tenant::{Tenant, with_tenant};
use neonhub_db::app::{AppConnection, AppPoolOptions, PoolerMode, connect_app};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use testkit::pgbouncer::{PgBouncer, Settings};
use testkit::{AppLogin, TestDb};
use uuid::Uuid;

const TENANTS: usize = 10;
const BRANDS_PER_TENANT: usize = 4;
const CONNECTIONS: u32 = 8;
const TRANSACTIONS: u64 = 600;

/// Tenants with their brands' ids.
async fn tenants(db: &TestDb) -> Vec<(Uuid, BTreeSet<Uuid>)> {
    let mut out = Vec::new();
    for t in 0..TENANTS {
        let org = Uuid::now_v7();
        let mut brands = BTreeSet::new();
        let mut sql = format!(
            "INSERT INTO organizations (id, slug, name) VALUES ('{org}', 'pool-{t}', 'Pool {t}');"
        );
        for b in 0..BRANDS_PER_TENANT {
            let id = Uuid::now_v7();
            brands.insert(id);
            sql.push_str(&format!(
                "INSERT INTO brands (id, organization_id, name, slug) \
                 VALUES ('{id}', '{org}', 'Brand {t}.{b}', 'b{b}');"
            ));
        }
        db.conn().execute_unprepared(&sql).await.unwrap();
        out.push((org, brands));
    }
    out
}

/// What the workers saw.
#[derive(Default)]
struct Tally {
    transactions: AtomicU64,
    errors: AtomicU64,
    wrong: AtomicU64,
    /// Each SQLSTATE seen, with one message of it as `neonhub_db::describe` says it.
    states: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

/// 600 `with_tenant` over 8 workers on `app`, each transaction in a tenant chosen by turn,
/// checking its rows, a point read and a value of its own parameters.
async fn hammer(
    app: &AppConnection,
    login: &AppLogin,
    tenants: &[(Uuid, BTreeSet<Uuid>)],
) -> Arc<Tally> {
    let tally = Arc::new(Tally::default());
    let tenants = Arc::new(tenants.to_vec());
    let workers: Vec<_> = (0..CONNECTIONS as u64)
        .map(|w| {
            let (app, tally, tenants) = (app.clone(), tally.clone(), tenants.clone());
            let key = login.key.clone();
            tokio::spawn(async move {
                for i in 0..TRANSACTIONS / CONNECTIONS as u64 {
                    let n = w * 1000 + i;
                    let (org, brands) =
                        tenants[(n as usize * 7 + w as usize) % tenants.len()].clone();
                    let ticket = key.ticket(Tenant::new(org));
                    let own = *brands.iter().nth((n as usize) % brands.len()).unwrap();
                    let result = with_tenant(&app, &ticket, |txn| {
                        Box::pin(async move {
                            let seen: BTreeSet<Uuid> = Brands::find()
                                .all(txn)
                                .await?
                                .into_iter()
                                .map(|b| b.id)
                                .collect();
                            let point = Brands::find_by_id(own).one(txn).await?;
                            let value = txn
                                .query_one_raw(Statement::from_sql_and_values(
                                    DbBackend::Postgres,
                                    "SELECT $1::bigint * 7919 + $2::bigint AS v",
                                    [(n as i64).into(), (w as i64).into()],
                                ))
                                .await?
                                .map(|row| row.try_get::<i64>("", "v"))
                                .transpose()?;
                            Ok((seen, point, value))
                        })
                    })
                    .await;
                    tally.transactions.fetch_add(1, Ordering::Relaxed);
                    match result {
                        Err(err) => {
                            tally.errors.fetch_add(1, Ordering::Relaxed);
                            tally
                                .states
                                .lock()
                                .unwrap()
                                .entry(neonhub_db::sqlstate(&err).unwrap_or_default())
                                .or_insert_with(|| neonhub_db::describe(&err));
                        }
                        Ok((seen, point, value)) => {
                            let right = seen == brands
                                && point.is_some_and(|b| b.id == own && b.organization_id == org)
                                && value == Some(n as i64 * 7919 + w as i64);
                            if !right {
                                tally.wrong.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    tally
}

async fn setup() -> (TestDb, AppLogin, PgBouncer, Vec<(Uuid, BTreeSet<Uuid>)>) {
    let db = TestDb::migrated().await;
    let login = AppLogin::new(&db).await;
    let tenants = tenants(&db).await;
    let password = login.url.password().unwrap();
    let pooler = PgBouncer::start(db.url(), &[(login.role(), &password)], Settings::default());
    (db, login, pooler, tenants)
}

#[tokio::test]
async fn with_tenant_through_pgbouncer_in_pooler_mode_gives_only_right_answers() {
    let (_db, login, pooler, tenants) = setup().await;
    let url = pooler.url(&login.url, "pgbouncer=true");
    let app = connect_app(
        &url,
        AppPoolOptions {
            max_connections: CONNECTIONS,
            ..AppPoolOptions::default()
        },
    )
    .await
    .unwrap();
    assert!(app.transaction_pooler().is_some());
    let tally = hammer(&app, &login, &tenants).await;
    app.close().await.ok();
    let (n, errors, wrong) = (
        tally.transactions.load(Ordering::Relaxed),
        tally.errors.load(Ordering::Relaxed),
        tally.wrong.load(Ordering::Relaxed),
    );
    eprintln!("pooler mode: {n} transactions, {errors} errors, {wrong} wrong answers");
    assert_eq!((n, errors, wrong), (TRANSACTIONS, 0, 0));
    login.drop_role().await;
}

#[tokio::test]
async fn without_pooler_mode_the_same_work_fails_or_answers_wrong() {
    let (_db, login, pooler, tenants) = setup().await;
    // The URL does not say pgbouncer=true, and the mode is off: sqlx's statement cache.
    let url = pooler.url(&login.url, "");
    let app = connect_app(
        &url,
        AppPoolOptions {
            max_connections: CONNECTIONS,
            pooler: PoolerMode::Direct,
            ..AppPoolOptions::default()
        },
    )
    .await
    .unwrap();
    assert!(app.transaction_pooler().is_none());
    let tally = hammer(&app, &login, &tenants).await;
    app.close().await.ok();
    let (n, errors, wrong) = (
        tally.transactions.load(Ordering::Relaxed),
        tally.errors.load(Ordering::Relaxed),
        tally.wrong.load(Ordering::Relaxed),
    );
    let states = tally.states.lock().unwrap().clone();
    eprintln!(
        "without the mode: {n} transactions, {errors} errors ({:?}), {wrong} wrong answers",
        states.keys().collect::<Vec<_>>()
    );
    assert_eq!(n, TRANSACTIONS);
    assert!(
        errors + wrong > 0,
        "the pooler broke nothing without the mode"
    );
    // Each prepared-statement error says what it is and what to do.
    for (state, message) in &states {
        if ["42P05", "26000", "08P01"].contains(&state.as_str()) {
            for needle in ["sqlx_s_", "transaction pooler", "pgbouncer=true"] {
                assert!(
                    message.contains(needle),
                    "{state}: expected {needle:?} in {message}"
                );
            }
        }
    }
    assert!(
        states.contains_key("42P05") || states.contains_key("26000") || wrong > 0,
        "{states:?}"
    );
    login.drop_role().await;
}

/// `migration args` on `url` for readers and writers, from a folder without `.env`.
fn migration(url: &neonhub_db::DatabaseUrl, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(testkit::workspace_binary("migration"));
    cmd.args(args)
        .current_dir(std::env::temp_dir())
        .env_remove("DATABASE_URL_UNPOOLED")
        .env_remove("PGPASSWORD")
        .env("DATABASE_URL", url.as_str())
        .env("DIRECT_DATABASE_URL", url.as_str())
        .env("RUST_BACKTRACE", "0");
    cmd
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn down_and_up_under_application_traffic_leave_no_setting_in_the_pools() {
    use entity::tenant::{TicketKey, TicketKeys};
    use std::sync::atomic::AtomicBool;

    let project = testkit::neon::NeonProject::start(Settings::default()).await;
    let out = migration(project.owner(), &["up"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    project.create_app_login().await;
    let owner = testkit::neon::connect(project.owner()).await;
    let key = TicketKey::generate("pooler").unwrap();
    TicketKeys::new([key.clone()])
        .unwrap()
        .install(&owner)
        .await
        .unwrap();
    let org = uuid::Uuid::now_v7();
    owner
        .execute_unprepared(&format!(
            "INSERT INTO organizations (id, slug, name) VALUES ('{org}', 'traffic', 'Traffic')"
        ))
        .await
        .unwrap();
    owner.close().await.ok();

    // The application: 6 workers entering the tenant and reading through the pooler.
    let app = connect_app(
        &project.pooled(project.app(), "pgbouncer=true"),
        AppPoolOptions {
            max_connections: 6,
            ..AppPoolOptions::default()
        },
    )
    .await
    .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..6)
        .map(|_| {
            let (app, key, stop, done) = (app.clone(), key.clone(), stop.clone(), done.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let ticket = key.ticket(Tenant::new(org));
                    // Errors are expected while the schema changes under it.
                    let _ = with_tenant(&app, &ticket, |txn| {
                        Box::pin(async move { Brands::find().all(txn).await.map(drop) })
                    })
                    .await;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    while done.load(Ordering::Relaxed) < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before = done.load(Ordering::Relaxed);
    let pooled = project.pooled(project.owner(), "pgbouncer=true");
    // The migrations after the last that runs outside a transaction are rolled back; that one
    // is refused through the pooler.
    let (tail, refused) = testkit::neon::pooled_tail();
    let n = (tail + 1).to_string();
    let down = migration(&pooled, &["down", "-n", &n]).output().unwrap();
    let t = text(&down);
    assert!(
        !down.status.success() && t.contains("runs outside a transaction") && t.contains(&refused),
        "{t}"
    );
    let up = migration(&pooled, &["up"]).output().unwrap();
    assert!(up.status.success(), "{}", text(&up));
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
    assert!(
        done.load(Ordering::Relaxed) > before,
        "the application worked during the migrations"
    );
    app.close().await.ok();

    project.assert_pool_clean(project.owner()).await;
    project.assert_pool_clean(project.app()).await;
}
