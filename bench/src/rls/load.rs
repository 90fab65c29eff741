//! The isolation benchmark's data, generated in SQL on the server: organizations, an owner,
//! campaigns, `rows` campaign metrics (the first organization holds [`BIG_SHARE`] of them, the
//! others share the rest evenly), conversations with messages, and a lookup table of tenant
//! numbers for pgbench.

use crate::BenchError;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

/// Organizations of the isolation benchmark.
pub const ORGS: usize = 12;
/// The share of the campaign metrics held by the first organization (the one measured).
pub const BIG_SHARE: f64 = 0.11;
const CAMPAIGNS_PER_ORG: usize = 20;
const CONVERSATIONS_PER_ORG: usize = 50;
const MESSAGES_PER_CONVERSATION: usize = 40;

/// Load the data into `db` (a freshly migrated database) and return the organizations' ids,
/// the measured one first.
pub async fn load(db: &DatabaseConnection, rows: usize) -> Result<Vec<Uuid>, BenchError> {
    let big = ((rows as f64) * BIG_SHARE).round() as usize;
    let others = ORGS - 1;
    db.execute_unprepared(&format!(
        "INSERT INTO users (email, name) VALUES ('rls-bench@neonhub.test', 'RLS bench');
         INSERT INTO organizations (slug, name)
             SELECT 'rls-' || n, 'RLS tenant ' || n FROM generate_series(0, {last}) n;
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
                 (CASE WHEN g <= {big} THEN 0 ELSE 1 + g % {others} END) * {CAMPAIGNS_PER_ORG}
                 + g % {CAMPAIGNS_PER_ORG};
         INSERT INTO conversations (organization_id, title, created_at)
             SELECT t.org, 'conversation ' || c, now() - c * interval '1 minute'
             FROM bench_tenants t, generate_series(1, {CONVERSATIONS_PER_ORG}) c;
         INSERT INTO messages (conversation_id, organization_id, role, content, created_at)
             SELECT c.id, c.organization_id, 'user', jsonb_build_object('text', 'message ' || m),
                    c.created_at + m * interval '1 second'
             FROM conversations c, generate_series(1, {MESSAGES_PER_CONVERSATION}) m;
         ANALYZE;",
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
