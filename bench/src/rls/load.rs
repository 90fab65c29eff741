//! The isolation benchmark's data, generated in SQL on the server: organizations, a user who is
//! an active member of each with a live session (the credential the application's side enters
//! with: [`SESSION_TOKEN`]), campaigns, `rows` campaign metrics (the first organizations hold
//! [`SHARES`] of them, the others share the rest evenly), conversations with messages, and a
//! lookup table of tenant numbers for pgbench.

use crate::BenchError;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

/// Organizations of the isolation benchmark.
pub const ORGS: usize = 12;
/// The shares of the campaign metrics held by the first organizations (the ones measured: a
/// large, a middle and a small tenant).
pub const SHARES: [f64; 3] = [0.5, 0.1, 0.01];
/// The session token of the benchmark's user (what a client would present; its hash is stored).
pub const SESSION_TOKEN: &str = "neonhub-bench-rls-session";
const CAMPAIGNS_PER_ORG: usize = 20;
const CONVERSATIONS_PER_ORG: usize = 50;
const MESSAGES_PER_CONVERSATION: usize = 40;

/// Load the data into `db` (a freshly migrated database) and return the organizations' ids,
/// the measured one first.
pub async fn load(db: &DatabaseConnection, rows: usize) -> Result<Vec<Uuid>, BenchError> {
    // Row g of the metrics belongs to tenant `measured` while g <= the running sum of SHARES,
    // then to one of the others, round robin.
    let mut bounds = Vec::new();
    let mut sum = 0.0;
    for (n, share) in SHARES.iter().enumerate() {
        sum += share;
        bounds.push(format!(
            "WHEN g <= {} THEN {n}",
            ((rows as f64) * sum).round() as usize
        ));
    }
    let measured = SHARES.len();
    let others = ORGS - measured;
    let tenant_of_row = format!(
        "CASE {} ELSE {measured} + g % {others} END",
        bounds.join(" ")
    );
    db.execute_unprepared(&format!(
        "INSERT INTO users (email, name) VALUES ('rls-bench@neonhub.test', 'RLS bench');
         INSERT INTO sessions (user_id, token_hash, expires_at)
             SELECT id, '{hash}', now() + interval '1 day' FROM users;
         INSERT INTO organizations (slug, name)
             SELECT 'rls-' || n, 'RLS tenant ' || n FROM generate_series(0, {last}) n;
         INSERT INTO organization_members (organization_id, user_id, status)
             SELECT o.id, u.id, 'active' FROM organizations o, users u;
         CREATE TABLE bench_tenants (n int PRIMARY KEY, org uuid NOT NULL);
         INSERT INTO bench_tenants
             SELECT substring(slug FROM 5)::int, id FROM organizations WHERE slug LIKE 'rls-%';
         INSERT INTO campaigns (organization_id, owner_id, name, type)
             SELECT t.org, u.id, 'campaign ' || c, 'email'
             FROM bench_tenants t, generate_series(0, {campaigns_last}) c, users u;
         CREATE TABLE bench_campaigns AS
             SELECT (t.n * {CAMPAIGNS_PER_ORG}
                     + row_number() OVER (PARTITION BY t.n ORDER BY c.id) - 1)::int AS n,
                    c.id, c.organization_id
             FROM campaigns c JOIN bench_tenants t ON t.org = c.organization_id;
         CREATE UNIQUE INDEX ON bench_campaigns (n);
         INSERT INTO campaign_metrics (campaign_id, organization_id, kind, value, \"timestamp\")
             SELECT c.id, c.organization_id, 'clicks', g, now() - g * interval '1 second'
             FROM generate_series(1, {rows}) g
             JOIN bench_campaigns c ON c.n =
                 ({tenant_of_row}) * {CAMPAIGNS_PER_ORG} + g % {CAMPAIGNS_PER_ORG};
         INSERT INTO conversations (organization_id, title, created_at)
             SELECT t.org, 'conversation ' || c, now() - c * interval '1 minute'
             FROM bench_tenants t, generate_series(1, {CONVERSATIONS_PER_ORG}) c;
         INSERT INTO messages (conversation_id, organization_id, role, content, created_at)
             SELECT c.id, c.organization_id, 'user', jsonb_build_object('text', 'message ' || m),
                    c.created_at + m * interval '1 second'
             FROM conversations c, generate_series(1, {MESSAGES_PER_CONVERSATION}) m;
         ANALYZE;",
        hash = entity::secrets::token_hash(SESSION_TOKEN),
        last = ORGS - 1,
        campaigns_last = CAMPAIGNS_PER_ORG - 1,
    ))
    .await?;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT org FROM bench_tenants ORDER BY n",
        ))
        .await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get::<Uuid>("", "org"))
        .collect::<Result<_, _>>()?)
}
