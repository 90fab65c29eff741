//! The replication check: is this server a primary or a hot standby, how far behind a standby
//! is, which standbys a primary feeds, and whether WAL archiving (point-in-time recovery) works.

use super::{Check, Status};
use neonhub_db::replica::{StandbyStatus, standby_status};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// Replay lag above which a standby is worth a look.
const LAG_WARN_BYTES: i64 = 64 * 1024 * 1024;

pub(super) async fn replication(db: &DatabaseConnection) -> Check {
    match standby_status(db).await {
        Ok(Some(standby)) => standby_check(&standby),
        Ok(None) => primary_check(db).await,
        Err(err) => Check::new(
            "Replication",
            Status::Warn,
            format!(
                "cannot read the replication state: {}",
                neonhub_db::describe(&err)
            ),
        ),
    }
}

fn standby_check(s: &StandbyStatus) -> Check {
    let lag = s.replay_lag_bytes.unwrap_or_default();
    let since = s
        .seconds_since_last_replay
        .map_or_else(|| "none yet".to_owned(), |secs| format!("{secs:.1} s ago"));
    let upstream = s.upstream.as_deref().unwrap_or("(no WAL receiver)");
    let receiver = s.receiver_status.as_deref().unwrap_or("not streaming");
    let status = if s.receiver_status.as_deref() != Some("streaming") || lag > LAG_WARN_BYTES {
        Status::Warn
    } else {
        Status::Info
    };
    Check::new(
        "Replication",
        status,
        format!(
            "read replica (hot standby, in recovery) of {upstream}, {receiver}: replay lag {lag} \
             bytes, last replayed transaction {since}; writers (migration, seeder, \
             vector-maintain) refuse to run here"
        ),
    )
    .with_details(vec![
        format!(
            "received up to {}, replayed up to {}",
            s.receive_lsn.as_deref().unwrap_or("-"),
            s.replay_lsn.as_deref().unwrap_or("-")
        ),
        "the time since the last replayed transaction also grows while the primary is idle: \
         read it together with the byte lag"
            .to_owned(),
    ])
}

async fn primary_check(db: &DatabaseConnection) -> Check {
    let mut details = Vec::new();
    let mut status = Status::Info;
    let standbys = rows(
        db,
        "SELECT coalesce(application_name, '') || ' ' || coalesce(client_addr::text, 'local') \
                || ': ' || state || ', replay lag ' \
                || coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint::text, '?') \
                || ' bytes' \
         FROM pg_stat_replication ORDER BY 1",
    )
    .await;
    details.extend(standbys.iter().map(|s| format!("standby {s}")));
    let archive = rows(
        db,
        "SELECT current_setting('archive_mode') || '|' \
                || coalesce(last_archived_wal, '') || '|' \
                || coalesce(extract(epoch FROM now() - last_archived_time)::bigint::text, '') \
                || '|' || failed_count || '|' \
                || (last_failed_time IS NOT NULL \
                    AND last_failed_time > coalesce(last_archived_time, '-infinity'))::text \
         FROM pg_stat_archiver",
    )
    .await;
    let archiving = match archive.first().map(|a| a.split('|').collect::<Vec<_>>()) {
        Some(parts) if parts.len() == 5 && parts[0] != "off" => {
            if parts[4] == "true" {
                status = Status::Warn;
                format!(
                    "WAL archiving FAILING ({} failures; see the server log)",
                    parts[3]
                )
            } else if parts[1].is_empty() {
                "WAL archiving on, nothing archived yet".to_owned()
            } else {
                format!(
                    "WAL archiving on, last segment {} archived {} s ago",
                    parts[1], parts[2]
                )
            }
        }
        Some(_) => "WAL archiving off (no point-in-time recovery from this server)".to_owned(),
        None => "WAL archiving state not visible to this role".to_owned(),
    };
    Check::new(
        "Replication",
        status,
        format!(
            "primary; {} standby(s) streaming; {archiving}",
            standbys.len()
        ),
    )
    .with_details(details)
}

/// The first column of every row of `sql`, as text; empty when the query fails (views the role
/// may not read).
async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r.try_get_by_index::<Option<String>>(0).ok().flatten())
                .collect()
        })
        .unwrap_or_default()
}
