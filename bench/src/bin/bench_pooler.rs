//! `bench-pooler` (`make bench-pooler`): the goals of running behind a transaction pooler,
//! measured on this machine and printed as Markdown (`--json` for one object). A benchmark, not
//! a test: it asserts nothing about timings.
//!
//! - **P1, the application's read path**: `with_tenant` with a worker ticket and 3 point reads
//!   of brands by id, on `--connections` workers sharing a pool of as many connections, for
//!   `--seconds` each: through PgBouncer (Debian's, transaction mode, as many server
//!   connections as the pool, TLS to the pooler) in transaction-pooler mode
//!   (`pgbouncer=true`: no statement cache, `DEALLOCATE ALL` per transaction) against a direct
//!   connection with the statement cache. Goal: pooled ≥ 0.8× the direct throughput. The runs
//!   alternate, twice each, and the better of each counts.
//! - **P1 breakdown**: where the time of one transaction goes, on one connection: `BEGIN` (and
//!   `DEALLOCATE ALL`), entering the tenant, one point read, `COMMIT`, mean microseconds each.
//! - **P2, `make migrate` on an up-to-date database**: the `migration up` binary (built beside
//!   this one) with a pooled `DATABASE_URL` and the direct URL set (as the workflows run it)
//!   against the direct URL alone: median of 5 wall times each. Goal: ≤ 1.2×. For the record
//!   also with the pooled URL alone (every statement in a transaction that begins with
//!   `DEALLOCATE ALL`).
//!
//! The server is `DATABASE_URL`'s (a superuser or CREATEDB owner, as `make test` needs); the
//! database is a fresh one of testkit's, dropped at the end; PgBouncer comes from
//! `scripts/pgbouncer.sh`.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result, bail};
use clap::Parser;
use entity::prelude::*;
use entity::tenant::{Tenant, TenantConnection, enter, with_tenant};
use neonhub_db::app::{AppConnection, AppPoolOptions, PoolerMode, connect_app};
use sea_orm::{ConnectionTrait, EntityTrait};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use testkit::pgbouncer::{PgBouncer, Settings};
use testkit::{AppLogin, TestDb};
use uuid::Uuid;

#[derive(Parser)]
#[command(
    version,
    about = "The pooler goals: the API's read path through PgBouncer vs direct, migrate through it"
)]
struct Cli {
    /// Seconds of each throughput run.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Workers, client connections and server connections of the pooler.
    #[arg(long, default_value_t = 8)]
    connections: u32,
    /// Tenants (organizations), each with --brands brands.
    #[arg(long, default_value_t = 8)]
    tenants: usize,
    /// Brands per tenant.
    #[arg(long, default_value_t = 50)]
    brands: usize,
    /// PgBouncer's `max_prepared_statements` (1.21+; put such a `pgbouncer` first on PATH):
    /// when set, P1b measures the read path through the pooler with the statement cache on
    /// (`pgbouncer=false`), as on Neon's pooler.
    #[arg(long, default_value_t = 0)]
    max_prepared_statements: u32,
    /// Print one JSON object instead of Markdown.
    #[arg(long)]
    json: bool,
}

/// The tenants and their brands' ids.
type Tenants = Arc<Vec<(Uuid, Vec<Uuid>)>>;

async fn load(db: &TestDb, tenants: usize, brands: usize) -> Result<Tenants> {
    let mut out = Vec::new();
    for t in 0..tenants {
        let org = Uuid::now_v7();
        let ids: Vec<Uuid> = (0..brands).map(|_| Uuid::now_v7()).collect();
        let values: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(b, id)| format!("('{id}', '{org}', 'Brand {t}.{b}', 'b{b}')"))
            .collect();
        db.conn()
            .execute_unprepared(&format!(
                "INSERT INTO organizations (id, slug, name) VALUES ('{org}', 'bench-{t}', 'Bench {t}');
                 INSERT INTO brands (id, organization_id, name, slug) VALUES {};",
                values.join(", ")
            ))
            .await
            .context("loading the tenants")?;
        out.push((org, ids));
    }
    db.conn().execute_unprepared("ANALYZE").await?;
    Ok(Arc::new(out))
}

/// One request: enter tenant `n % tenants` with a worker ticket, read 3 of its brands by id.
async fn request(
    app: &AppConnection,
    login: &AppLogin,
    tenants: &Tenants,
    n: u64,
) -> Result<(), sea_orm::DbErr> {
    let (org, ids) = &tenants[(n as usize) % tenants.len()];
    let picks: Vec<Uuid> = (0..3u64)
        .map(|k| ids[((n * 31 + k * 7) as usize) % ids.len()])
        .collect();
    with_tenant(app, &login.ticket(Tenant::new(*org)), |txn| {
        Box::pin(async move {
            for id in picks {
                if Brands::find_by_id(id).one(txn).await?.is_none() {
                    return Err(sea_orm::DbErr::Custom(format!("brand {id} not found")));
                }
            }
            Ok(())
        })
    })
    .await
}

/// Transactions per second of `connections` workers on `app` for `seconds`.
async fn throughput(
    app: &AppConnection,
    login: &Arc<AppLogin>,
    tenants: &Tenants,
    connections: u32,
    seconds: u64,
) -> Result<f64> {
    // Warm up every connection of the pool.
    for n in 0..u64::from(connections) * 4 {
        request(app, login, tenants, n).await?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..u64::from(connections))
        .map(|w| {
            let (app, login, tenants) = (app.clone(), login.clone(), tenants.clone());
            let (stop, done, errors) = (stop.clone(), done.clone(), errors.clone());
            tokio::spawn(async move {
                let mut n = w * 1_000_003;
                while !stop.load(Ordering::Relaxed) {
                    if request(&app, &login, &tenants, n).await.is_err() {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let errors = errors.load(Ordering::Relaxed);
    if errors > 0 {
        bail!("{errors} requests failed");
    }
    Ok(done.load(Ordering::Relaxed) as f64 / elapsed)
}

/// Mean microseconds of each step of a request on one connection: begin, enter, one point
/// read, commit.
async fn breakdown(app: &AppConnection, login: &AppLogin, tenants: &Tenants) -> Result<[f64; 4]> {
    const ROUNDS: u64 = 400;
    let mut sums = [Duration::ZERO; 4];
    for n in 0..ROUNDS + 20 {
        let (org, ids) = &tenants[(n as usize) % tenants.len()];
        let id = ids[(n as usize * 13) % ids.len()];
        let credential = login.ticket(Tenant::new(*org));
        let t0 = Instant::now();
        let txn = app.begin_tenant_transaction().await?;
        let t1 = Instant::now();
        enter(&txn, &credential).await?;
        let t2 = Instant::now();
        Brands::find_by_id(id)
            .one(&txn)
            .await?
            .context("the brand")?;
        let t3 = Instant::now();
        txn.commit().await?;
        let t4 = Instant::now();
        if n >= 20 {
            for (sum, d) in sums.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2, t4 - t3]) {
                *sum += d;
            }
        }
    }
    Ok(sums.map(|s| s.as_secs_f64() * 1e6 / ROUNDS as f64))
}

/// Median wall seconds of 5 runs of `migration up` with `env`.
fn migrate_seconds(env: &[(&str, &str)]) -> Result<f64> {
    let exe = std::env::current_exe()?;
    let migration = exe
        .parent()
        .context("the folder of this binary")?
        .join("migration");
    if !migration.is_file() {
        bail!(
            "{} is not built: cargo build --release -p migration (make bench-pooler does)",
            migration.display()
        );
    }
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let out = std::process::Command::new(&migration)
            .arg("up")
            .current_dir(std::env::temp_dir())
            .env_remove("DATABASE_URL_UNPOOLED")
            .env_remove("DIRECT_DATABASE_URL")
            .env_remove("PGPASSWORD")
            .envs(env.iter().copied())
            .output()?;
        times.push(started.elapsed().as_secs_f64());
        if !out.status.success() {
            bail!(
                "migration up failed: {}",
                neonhub_db::redact(&String::from_utf8_lossy(&out.stderr))
            );
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times[2])
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    neonhub_db::init_logging();
    let cli = Cli::parse();
    let json = cli.json;
    neonhub_db::exit_code(run(cli).await, json)
}

async fn run(cli: Cli) -> Result<()> {
    eprintln!("bench-pooler: loading {} tenants", cli.tenants);
    let db = TestDb::migrated().await;
    let login = Arc::new(AppLogin::new(&db).await);
    let tenants = load(&db, cli.tenants, cli.brands).await?;
    let owner = db.url().clone();
    let owner_password = owner.password().unwrap_or_default();
    let app_password = login.url.password().unwrap_or_default();
    let pooler = PgBouncer::start(
        &owner,
        &[
            (owner.user().unwrap_or("postgres"), &owner_password),
            (login.role(), &app_password),
        ],
        Settings::default()
            .pool_size(cli.connections)
            .max_prepared_statements(cli.max_prepared_statements),
    );
    let options = |pooler: PoolerMode| AppPoolOptions {
        max_connections: cli.connections,
        pooler,
        ..AppPoolOptions::default()
    };
    let direct_app = connect_app(&login.url, options(PoolerMode::Direct)).await?;
    let pooled_url = pooler.url(&login.url, "pgbouncer=true");
    let pooled_app = connect_app(&pooled_url, options(PoolerMode::FromUrl)).await?;
    if pooled_app.transaction_pooler().is_none() {
        bail!("the pooled URL did not give transaction-pooler mode");
    }

    // With the pooler's own prepared-statement support, the statement cache stays on.
    let cached_app = match cli.max_prepared_statements {
        0 => None,
        _ => {
            let url = pooler.url(&login.url, "pgbouncer=false");
            Some(connect_app(&url, options(PoolerMode::FromUrl)).await?)
        }
    };

    let (mut direct, mut pooled, mut cached) = (0f64, 0f64, 0f64);
    for round in 1..=2 {
        eprintln!("bench-pooler: read path, round {round}: direct, then through PgBouncer");
        direct = direct
            .max(throughput(&direct_app, &login, &tenants, cli.connections, cli.seconds).await?);
        pooled = pooled
            .max(throughput(&pooled_app, &login, &tenants, cli.connections, cli.seconds).await?);
        if let Some(app) = &cached_app {
            cached =
                cached.max(throughput(app, &login, &tenants, cli.connections, cli.seconds).await?);
        }
    }
    eprintln!("bench-pooler: where the time goes (one connection)");
    let one = |pooler: PoolerMode| AppPoolOptions {
        max_connections: 1,
        pooler,
        ..AppPoolOptions::default()
    };
    let direct_one = connect_app(&login.url, one(PoolerMode::Direct)).await?;
    let pooled_one = connect_app(&pooled_url, one(PoolerMode::FromUrl)).await?;
    let steps_direct = breakdown(&direct_one, &login, &tenants).await?;
    let steps_pooled = breakdown(&pooled_one, &login, &tenants).await?;
    for app in [direct_app, pooled_app, direct_one, pooled_one]
        .into_iter()
        .chain(cached_app)
    {
        app.close().await.ok();
    }

    eprintln!("bench-pooler: migration up on an up-to-date database, 5 runs each");
    let pooled_owner = pooler.url(&owner, "pgbouncer=true");
    let migrate_direct = migrate_seconds(&[("DATABASE_URL", owner.as_str())])?;
    let migrate_workflow = migrate_seconds(&[
        ("DATABASE_URL", pooled_owner.as_str()),
        ("DIRECT_DATABASE_URL", owner.as_str()),
    ])?;
    let migrate_pooled = migrate_seconds(&[("DATABASE_URL", pooled_owner.as_str())])?;
    drop(pooler);
    if let Ok(login) = Arc::try_unwrap(login) {
        login.drop_role().await;
    }

    let p1 = pooled / direct;
    let p2 = migrate_workflow / migrate_direct;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    if cli.json {
        println!(
            "{}",
            serde_json::json!({
                "read_path": { "direct_tps": direct, "pooled_tps": pooled, "ratio": p1, "goal": 0.8 },
                "read_path_statement_cache_through_pooler": (cli.max_prepared_statements > 0).then(|| serde_json::json!({
                    "max_prepared_statements": cli.max_prepared_statements,
                    "tps": cached, "ratio": cached / direct,
                })),
                "breakdown_us": {
                    "steps": ["begin", "enter", "point read", "commit"],
                    "direct": steps_direct, "pooled": steps_pooled,
                },
                "migrate_up_to_date_s": {
                    "direct": migrate_direct, "pooled_with_direct_url": migrate_workflow,
                    "pooled_only": migrate_pooled, "ratio": p2, "goal": 1.2,
                },
                "loadavg": load.trim(),
            })
        );
        return Ok(());
    }
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    println!("## Behind a transaction pooler (`make bench-pooler`)\n");
    println!(
        "{} workers and pool connections, PgBouncer {} server connections, {} s per run, load {}\n",
        cli.connections,
        cli.connections,
        cli.seconds,
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("| figure | value | baseline | ratio | goal |");
    println!("|---|---|---|---|---|");
    println!(
        "| P1 read path: with_tenant + 3 point reads, through PgBouncer in pooler mode vs direct with the statement cache | {pooled:.0} tx/s | {direct:.0} tx/s | {p1:.2}× | ≥ 0.8× ({}) |",
        met(p1 >= 0.8)
    );
    if cli.max_prepared_statements > 0 {
        println!(
            "| P1b the same through PgBouncer with max_prepared_statements = {} and the statement cache on (`pgbouncer=false`, as on Neon's pooler) | {cached:.0} tx/s | {direct:.0} tx/s | {:.2}× | |",
            cli.max_prepared_statements,
            cached / direct
        );
    }
    println!(
        "| P2 `migration up`, up to date, pooled DATABASE_URL + direct URL set vs direct | {:.0} ms | {:.0} ms | {p2:.2}× | ≤ 1.2× ({}) |",
        migrate_workflow * 1e3,
        migrate_direct * 1e3,
        met(p2 <= 1.2)
    );
    println!(
        "| P2b `migration up`, up to date, through the pooler alone (for the record) | {:.0} ms | {:.0} ms | {:.2}× | |",
        migrate_pooled * 1e3,
        migrate_direct * 1e3,
        migrate_pooled / migrate_direct
    );
    println!("\nWhere one request's time goes (one connection, mean µs):\n");
    println!("| step | direct, statement cache | through PgBouncer, pooler mode |");
    println!("|---|---|---|");
    for (i, step) in [
        "BEGIN (pooler mode: + DEALLOCATE ALL)",
        "enter the tenant (1 statement)",
        "point read by id",
        "COMMIT",
    ]
    .iter()
    .enumerate()
    {
        println!(
            "| {step} | {:.0} | {:.0} |",
            steps_direct[i], steps_pooled[i]
        );
    }
    println!(
        "| request (begin, enter, 3 reads, commit) | {:.0} | {:.0} |",
        steps_direct[0] + steps_direct[1] + 3.0 * steps_direct[2] + steps_direct[3],
        steps_pooled[0] + steps_pooled[1] + 3.0 * steps_pooled[2] + steps_pooled[3]
    );
    Ok(())
}
