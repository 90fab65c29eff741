//! Figure 8c: an OLTP mix through `pgbench`, as the application login (the tenant entered per
//! transaction with the benchmark user's session, as `entity::tenant::with_tenant` does; no
//! tenant filter in the statements) against the owner running the same statements with
//! explicit tenant filters.

use crate::BenchError;
use crate::rls::load::ORGS;
use neonhub_db::DatabaseUrl;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One pgbench run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PgbenchRun {
    /// Transactions per second (without the initial connection time).
    pub tps: f64,
    /// Transactions processed.
    pub transactions: u64,
    /// Transactions that failed.
    pub failed: u64,
}

/// The tenant of the transaction: a Zipf-distributed tenant number looked up to its id.
const PICK_TENANT: &str = "\\set n random_zipfian(0, 11, 1.1)
SELECT org FROM bench_tenants WHERE n = :n \\gset
";

/// The application's transaction: the tenant entered as `entity::tenant::with_tenant` does
/// (the session's token hash and the organization; the database checks the session and the
/// membership and signs the context), then statements without any tenant filter (row-level
/// security adds it).
fn app_script() -> String {
    let hash = entity::secrets::token_hash(crate::rls::load::SESSION_TOKEN);
    format!(
        "{PICK_TENANT}BEGIN;
SELECT 1 FROM tenant_enter_session('{hash}', ':org');
SELECT id AS conv FROM conversations ORDER BY created_at DESC LIMIT 1 \\gset
SELECT id, content FROM messages WHERE conversation_id = ':conv' ORDER BY created_at DESC LIMIT 20;
INSERT INTO messages (conversation_id, organization_id, role, content) VALUES (':conv', ':org', 'user', '{{\"text\": \"pgbench\"}}');
INSERT INTO audit_logs (organization_id, action) VALUES (':org', 'bench.rls');
SELECT count(*) FROM campaigns;
COMMIT;
"
    )
}

/// The owner's transaction: the same statements with the tenant filter written out.
fn owner_script() -> String {
    format!(
        "{PICK_TENANT}BEGIN;
SELECT id AS conv FROM conversations WHERE organization_id = ':org' ORDER BY created_at DESC LIMIT 1 \\gset
SELECT id, content FROM messages WHERE organization_id = ':org' AND conversation_id = ':conv' ORDER BY created_at DESC LIMIT 20;
INSERT INTO messages (conversation_id, organization_id, role, content) VALUES (':conv', ':org', 'user', '{{\"text\": \"pgbench\"}}');
INSERT INTO audit_logs (organization_id, action) VALUES (':org', 'bench.rls');
SELECT count(*) FROM campaigns WHERE organization_id = ':org';
COMMIT;
"
    )
}

/// Run the mix as `url`'s user (`app`: the application's script, else the owner's) for
/// `seconds` with `clients` connections. The password goes through `PGPASSWORD`.
pub async fn run(
    pgbench: &Path,
    url: &DatabaseUrl,
    app: bool,
    clients: u32,
    seconds: u64,
) -> Result<PgbenchRun, BenchError> {
    let dir = std::env::temp_dir().join(format!(
        "neonhub-bench-pgbench-{}-{}",
        std::process::id(),
        if app { "app" } else { "owner" }
    ));
    std::fs::create_dir_all(&dir).map_err(|e| tool_error(format!("{}: {e}", dir.display())))?;
    let script = dir.join("mix.sql");
    std::fs::write(&script, if app { app_script() } else { owner_script() })
        .map_err(|e| tool_error(format!("{}: {e}", script.display())))?;
    // pgbench takes the database as its last argument (its -d is --debug): the URL without
    // the password, which goes through the environment.
    let user = url.user().unwrap_or("postgres").to_owned();
    let mut command = tokio::process::Command::new(pgbench);
    command
        .arg("--no-vacuum")
        .arg(format!("--client={clients}"))
        .arg(format!("--jobs={}", clients.min(2)))
        .arg(format!("--time={seconds}"))
        .arg("--file")
        .arg(&script)
        .arg(url.with_credentials(&user, None).as_str())
        .kill_on_drop(true);
    if let Some(password) = url.password() {
        command.env("PGPASSWORD", password);
    }
    let out = command
        .output()
        .await
        .map_err(|e| tool_error(format!("{}: {e}", pgbench.display())))?;
    std::fs::remove_dir_all(&dir).ok();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(tool_error(format!(
            "exit {}: {}{}",
            out.status,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    parse(&stdout).ok_or_else(|| tool_error(format!("cannot read its report: {stdout}")))
}

fn tool_error(message: String) -> BenchError {
    BenchError::Tool {
        tool: "pgbench".into(),
        message,
    }
}

/// Read tps, processed and failed transactions from pgbench's report.
fn parse(report: &str) -> Option<PgbenchRun> {
    let number_after = |label: &str| -> Option<f64> {
        let line = report.lines().find(|l| l.trim_start().starts_with(label))?;
        line[line.find(label)? + label.len()..]
            .split_whitespace()
            .next()?
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .ok()
    };
    let tps = report
        .lines()
        .find(|l| l.starts_with("tps = "))?
        .trim_start_matches("tps = ")
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(PgbenchRun {
        tps,
        transactions: number_after("number of transactions actually processed:")? as u64,
        failed: number_after("number of failed transactions:").unwrap_or(0.0) as u64,
    })
}

/// Tenants the mix draws from (for the report).
pub const TENANTS: usize = ORGS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_report_of_pgbench_16() {
        let report = "transaction type: mix.sql
scaling factor: 1
number of clients: 8
duration: 20 s
number of transactions actually processed: 10984
number of failed transactions: 0 (0.000%)
latency average = 14.571 ms
initial connection time = 12.345 ms
tps = 549.034567 (without initial connection time)
";
        assert_eq!(
            parse(report),
            Some(PgbenchRun {
                tps: 549.034567,
                transactions: 10984,
                failed: 0
            })
        );
    }
}
