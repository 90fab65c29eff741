//! Figures 8a–8d: what tenant isolation costs. The application login (a role granted
//! `neonhub_app`, the tenant entered per transaction with a session credential as
//! `entity::tenant::with_tenant` does, row-level security adding the filter) against the owner
//! running the same statements with the tenant filter written out, on the same data in the same
//! run.
//!
//! - 8a: `count(*)` of one tenant's campaign metrics, for a tenant of 50%, 10% and 1% of
//!   `rls_rows`;
//! - 8b: the 10% tenant's 50 latest metrics (`ORDER BY id DESC LIMIT 50`);
//! - 8c: an OLTP mix through `pgbench` (enter the tenant, latest conversation, its 20 latest
//!   messages, insert a message, insert an audit row, count campaigns), Zipf over 12 tenants;
//!   afterwards every message is checked to belong to its conversation's tenant;
//! - 8d: entering a tenant: `with_tenant` of an empty transaction against a plain
//!   `BEGIN`/`COMMIT` (one more round trip: the enter statement), and the enter statement's
//!   time on the server: `with_tenant` against `BEGIN`, `SELECT 1`, `COMMIT` (the same round
//!   trips), and `EXPLAIN ANALYZE`'s figure for the record (an upper bound: it adds its
//!   instrumentation).

pub mod load;
pub mod pgbench;

use crate::server::{PgTools, Server};
use crate::stats::median;
use crate::{BenchConfig, BenchError};
use entity::tenant::{Credential, with_tenant};
use neonhub_db::DatabaseUrl;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use uuid::Uuid;

/// Timed runs of each read (after two warm-up runs); the median counts.
const RUNS: usize = 15;

/// One read, as the application and as the owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadPair {
    /// Median ms as the application login.
    pub app_ms: f64,
    /// Median ms as the owner with the explicit filter.
    pub owner_ms: f64,
    /// The application's plan (EXPLAIN, costs off, one line).
    pub app_plan: String,
    /// The owner's plan.
    pub owner_plan: String,
    /// Rows the application saw (equal to the owner's, or the figure is wrong).
    pub app_rows: i64,
    /// Rows the owner saw.
    pub owner_rows: i64,
}

/// Figure 8d: what entering a tenant costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterCost {
    /// Transactions timed each way.
    pub transactions: usize,
    /// Median µs of `with_tenant` with an empty closure (BEGIN, enter, COMMIT).
    pub with_tenant_us: f64,
    /// Median µs of a plain BEGIN/COMMIT on the same connection.
    pub plain_us: f64,
    /// Median µs of BEGIN, `SELECT 1`, COMMIT: as many round trips as `with_tenant`.
    pub one_statement_us: f64,
    /// What the enter statement costs the server beyond a trivial statement:
    /// `with_tenant_us - one_statement_us` (the same round trips, the same client code).
    pub server_us: f64,
    /// Median µs `EXPLAIN ANALYZE` gives the enter statement (planning and execution, with the
    /// instrumentation's own cost: an upper bound).
    pub explain_us: f64,
    /// Mean µs of `tenant_enter_session` itself as the server counts it
    /// (`pg_stat_user_functions` with `track_functions = 'pl'`), where the owner may turn that
    /// on for the application login.
    pub function_us: Option<f64>,
}

/// Figures 8a–8d in detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RlsResult {
    /// Campaign metrics loaded.
    pub rows: usize,
    /// 8a per measured tenant: (share of `rows`, the pair).
    pub counts: Vec<(f64, ReadPair)>,
    /// 8b.
    pub latest: ReadPair,
    /// 8d.
    pub enter: EnterCost,
    /// 8c as the application login.
    pub app_mix: pgbench::PgbenchRun,
    /// 8c as the owner.
    pub owner_mix: pgbench::PgbenchRun,
    /// pgbench clients.
    pub clients: u32,
    /// pgbench seconds per run.
    pub seconds: u64,
    /// Messages whose tenant differs from their conversation's after the mix (must be 0).
    pub cross_tenant_rows: i64,
}

/// The names of the bench's application logins: this prefix and 12 hex digits.
pub const LOGIN_PREFIX: &str = "neonhub_bench_";

/// Drop the bench's logins (`neonhub_bench_<hex>`, granted `neonhub_app`) that no session uses:
/// those of benches killed before they dropped them, which would stay members of the
/// application role for ever (`make doctor` reports them). What such a login was granted in
/// `db` goes with it (`DROP OWNED BY`); a login still granted something in another database
/// stays. Returns one line per stale login: dropped, or why it stays.
///
/// # Errors
/// When the roles cannot be listed.
pub async fn drop_stale_logins(db: &DatabaseConnection) -> Result<Vec<String>, BenchError> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT r.rolname::text AS name FROM pg_roles r
              WHERE r.rolcanlogin AND r.rolname ~ ('^' || $1 || '[0-9a-f]+$')
                AND NOT EXISTS (SELECT 1 FROM pg_stat_activity s WHERE s.usesysid = r.oid)
              ORDER BY 1",
            [LOGIN_PREFIX.into()],
        ))
        .await?;
    let mut lines = Vec::new();
    for row in rows {
        let name: String = row.try_get("", "name")?;
        let ident = neonhub_db::app_role::quote_ident(&name);
        lines.push(
            match db
                .execute_unprepared(&format!("DROP OWNED BY {ident}; DROP ROLE {ident}"))
                .await
            {
                Ok(_) => format!("dropped {name}, the login of a bench killed before it could"),
                Err(err) => format!(
                    "the stale bench login {name} stays: {}",
                    neonhub_db::describe(&err)
                ),
            },
        );
    }
    Ok(lines)
}

/// Load the data into the database `{config.database}_rls`, measure, drop it (and the login).
pub async fn measure(
    server: &Server,
    config: &BenchConfig,
    tools: &PgTools,
    log: &dyn Fn(&str),
) -> Result<RlsResult, BenchError> {
    let name = format!("{}_rls", config.database);
    let (db, _) = server.migrated_database(&name).await?;
    log(&format!(
        "isolation: loading {} campaign metrics over {} tenants",
        config.rls_rows,
        load::ORGS
    ));
    let orgs = load::load(&db, config.rls_rows).await?;
    for line in drop_stale_logins(&db).await? {
        log(&format!("isolation: {line}"));
    }
    let role = format!(
        "{LOGIN_PREFIX}{}",
        &Uuid::now_v7().simple().to_string()[20..]
    );
    let password = entity::secrets::generate_token()
        .map_err(|e| BenchError::Check(format!("a password for the login: {e}")))?
        .to_string();
    db.execute_unprepared(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD '{password}'; GRANT neonhub_app TO {role}; \
         GRANT SELECT ON bench_tenants TO {role}"
    ))
    .await?;
    // Figure 8d reads the enter function's own time from pg_stat_user_functions: a superuser
    // setting, so only where the owner may set it for the login (the local server).
    db.execute_unprepared(&format!("ALTER ROLE {role} SET track_functions = 'pl'"))
        .await
        .ok();
    let app_url = server
        .url_of(&name)
        .with_credentials(&role, Some(&password));
    let owner_url = server.url_of(&name);
    let result = measure_with(&db, &owner_url, &app_url, &orgs, config, tools, log).await;
    db.execute_unprepared(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .await
        .ok();
    db.close().await.ok();
    server.drop_database(&name).await?;
    result
}

async fn measure_with(
    owner: &DatabaseConnection,
    owner_url: &DatabaseUrl,
    app_url: &DatabaseUrl,
    orgs: &[Uuid],
    config: &BenchConfig,
    tools: &PgTools,
    log: &dyn Fn(&str),
) -> Result<RlsResult, BenchError> {
    let app = neonhub_db::connect(app_url, neonhub_db::DEFAULT_CONNECT_TIMEOUT, 1).await?;
    log("isolation: 8a count per tenant, 8b latest 50, 8d entering a tenant");
    let mut counts = Vec::new();
    for (n, share) in load::SHARES.iter().enumerate() {
        let pair = read_pair(
            &app,
            owner,
            orgs[n],
            "SELECT count(*)::bigint AS n FROM campaign_metrics",
            "SELECT count(*)::bigint AS n FROM campaign_metrics WHERE organization_id = $1",
        )
        .await?;
        counts.push((*share, pair));
    }
    let latest = read_pair(
        &app,
        owner,
        orgs[1],
        "SELECT count(*)::bigint AS n FROM (SELECT id FROM campaign_metrics \
         ORDER BY id DESC LIMIT 50) t",
        "SELECT count(*)::bigint AS n FROM (SELECT id FROM campaign_metrics \
         WHERE organization_id = $1 ORDER BY id DESC LIMIT 50) t",
    )
    .await?;
    let enter = enter_cost(&app, owner, orgs[1]).await?;
    app.close().await.ok();

    let pgbench = tools.psql.with_file_name("pgbench");
    let (clients, seconds) = (config.pgbench_clients, config.pgbench_seconds);
    log(&format!(
        "isolation: 8c pgbench mix, {clients} clients, {seconds} s each (application, owner)"
    ));
    let app_mix = pgbench::run(&pgbench, app_url, true, clients, seconds).await?;
    let owner_mix = pgbench::run(&pgbench, owner_url, false, clients, seconds).await?;
    let cross_tenant_rows = scalar(
        owner,
        "SELECT count(*)::bigint AS n FROM messages m JOIN conversations c \
         ON c.id = m.conversation_id WHERE c.organization_id <> m.organization_id",
        None,
    )
    .await?;
    Ok(RlsResult {
        rows: config.rls_rows,
        counts,
        latest,
        enter,
        app_mix,
        owner_mix,
        clients,
        seconds,
        cross_tenant_rows,
    })
}

/// The credential the application's side enters `tenant` with: the benchmark user's session.
fn credential(tenant: Uuid) -> Credential {
    Credential::session_token(load::SESSION_TOKEN, Some(tenant))
}

/// Transactions of figure 8d, each way.
const ENTER_TRANSACTIONS: usize = 2_000;

/// Figure 8d: `with_tenant` of an empty closure against BEGIN/COMMIT, alternating on one
/// connection, and the enter statement's execution time on the server.
async fn enter_cost(
    app: &DatabaseConnection,
    owner: &DatabaseConnection,
    tenant: Uuid,
) -> Result<EnterCost, BenchError> {
    let credential = credential(tenant);
    owner
        .execute_unprepared(
            "SELECT pg_stat_reset_single_function_counters(\
             'public.tenant_enter_session(text, uuid)'::regprocedure)",
        )
        .await?;
    let (mut with, mut plain, mut one) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..ENTER_TRANSACTIONS + 50 {
        let started = Instant::now();
        with_tenant(app, &credential, |_| Box::pin(async { Ok(()) })).await?;
        let with_us = started.elapsed().as_secs_f64() * 1e6;
        let started = Instant::now();
        app.begin().await?.commit().await?;
        let plain_us = started.elapsed().as_secs_f64() * 1e6;
        let started = Instant::now();
        let txn = app.begin().await?;
        // Prepared and cached, as the enter statement is.
        txn.query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT 1"))
            .await?;
        txn.commit().await?;
        let one_us = started.elapsed().as_secs_f64() * 1e6;
        if run >= 50 {
            with.push(with_us);
            plain.push(plain_us);
            one.push(one_us);
        }
    }
    let function_us = function_time(owner, ENTER_TRANSACTIONS + 50).await?;
    let mut server = Vec::new();
    for run in 0..250 {
        let txn = app.begin().await?;
        let rows = txn
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "EXPLAIN (ANALYZE, SUMMARY ON, FORMAT JSON) \
                 SELECT * FROM public.tenant_enter_session($1, $2)",
                [
                    entity::secrets::token_hash(load::SESSION_TOKEN).into(),
                    tenant.into(),
                ],
            ))
            .await?;
        txn.rollback().await?;
        let plan: serde_json::Value = rows
            .first()
            .ok_or_else(|| BenchError::Check("EXPLAIN returned nothing".into()))?
            .try_get_by_index(0)?;
        let ms = plan[0]["Execution Time"].as_f64().unwrap_or(f64::NAN)
            + plan[0]["Planning Time"].as_f64().unwrap_or(0.0);
        if run >= 50 {
            server.push(ms * 1000.0);
        }
    }
    let (with_tenant_us, one_statement_us) = (median(&with), median(&one));
    Ok(EnterCost {
        transactions: ENTER_TRANSACTIONS,
        with_tenant_us,
        plain_us: median(&plain),
        one_statement_us,
        server_us: with_tenant_us - one_statement_us,
        explain_us: median(&server),
        function_us,
    })
}

/// Mean µs per call of `tenant_enter_session` as the server counts it (`track_functions`),
/// once the application's session has reported its `calls` calls; `None` where the setting is
/// off (it needs a superuser).
async fn function_time(
    owner: &DatabaseConnection,
    calls: usize,
) -> Result<Option<f64>, BenchError> {
    // A session reports its counters when it has been idle for a second.
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let row = owner
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT pg_stat_clear_snapshot(), \
                        (SELECT calls FROM pg_stat_user_functions \
                          WHERE funcid = 'public.tenant_enter_session(text, uuid)'::regprocedure) \
                          AS calls, \
                        (SELECT total_time * 1000 / NULLIF(calls, 0) FROM pg_stat_user_functions \
                          WHERE funcid = 'public.tenant_enter_session(text, uuid)'::regprocedure) \
                          AS us",
            ))
            .await?;
        let Some(row) = row else { return Ok(None) };
        let seen: Option<i64> = row.try_get("", "calls")?;
        match seen {
            None => return Ok(None),
            Some(n) if n as usize >= calls => return Ok(row.try_get("", "us")?),
            Some(_) => {}
        }
    }
    Ok(None)
}

/// Time `app_sql` as the application login in `tenant` and `owner_sql` (with `$1` = the
/// tenant) as the owner, alternating, [`RUNS`] times each after two warm-ups.
async fn read_pair(
    app: &DatabaseConnection,
    owner: &DatabaseConnection,
    tenant: Uuid,
    app_sql: &str,
    owner_sql: &str,
) -> Result<ReadPair, BenchError> {
    let (mut app_times, mut owner_times) = (Vec::new(), Vec::new());
    let (mut app_rows, mut owner_rows) = (0, 0);
    let credential = credential(tenant);
    for run in 0..RUNS + 2 {
        let txn = app.begin().await?;
        entity::tenant::enter(&txn, &credential).await?;
        let started = Instant::now();
        app_rows = scalar(&txn, app_sql, None).await?;
        let app_ms = started.elapsed().as_secs_f64() * 1000.0;
        txn.commit().await?;
        // The owner's statement inside a transaction too, so both time the statement on a
        // held connection (not the pool's checkout).
        let txn = owner.begin().await?;
        let started = Instant::now();
        owner_rows = scalar(&txn, owner_sql, Some(tenant)).await?;
        let owner_ms = started.elapsed().as_secs_f64() * 1000.0;
        txn.commit().await?;
        if run >= 2 {
            app_times.push(app_ms);
            owner_times.push(owner_ms);
        }
    }
    let txn = app.begin().await?;
    entity::tenant::enter(&txn, &credential).await?;
    let app_plan = plan(&txn, app_sql, None).await?;
    txn.commit().await?;
    Ok(ReadPair {
        app_ms: median(&app_times),
        owner_ms: median(&owner_times),
        app_plan,
        owner_plan: plan(owner, owner_sql, Some(tenant)).await?,
        app_rows,
        owner_rows,
    })
}

/// `sql` with the tenant written in for `$1` when given: a literal, like the application's
/// statements (which carry no parameter), so both sides go through the same protocol and the
/// planner sees the value.
fn statement(sql: String, tenant: Option<Uuid>) -> Statement {
    let sql = match tenant {
        Some(tenant) => sql.replace("$1", &format!("'{tenant}'::uuid")),
        None => sql,
    };
    Statement::from_string(DbBackend::Postgres, sql)
}

async fn scalar<C: ConnectionTrait>(
    db: &C,
    sql: &str,
    tenant: Option<Uuid>,
) -> Result<i64, BenchError> {
    let row = db
        .query_one_raw(statement(sql.to_owned(), tenant))
        .await?
        .ok_or_else(|| BenchError::Check(format!("no row from {sql}")))?;
    Ok(row.try_get::<i64>("", "n")?)
}

/// The plan's scan lines, joined: what a reader needs to see which index answered.
async fn plan<C: ConnectionTrait>(
    db: &C,
    sql: &str,
    tenant: Option<Uuid>,
) -> Result<String, BenchError> {
    let rows = db
        .query_all_raw(statement(format!("EXPLAIN (COSTS OFF) {sql}"), tenant))
        .await?;
    let lines: Vec<String> = rows
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .map(|line| line.trim().trim_start_matches("->").trim().to_owned())
        .filter(|line| line.contains("Scan"))
        .collect();
    Ok(lines.join("; "))
}
