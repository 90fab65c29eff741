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
    let archive = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_setting('archive_mode') <> 'off' AS on, last_archived_wal AS last, \
                    extract(epoch FROM now() - last_archived_time)::bigint AS age, \
                    failed_count AS failures, \
                    coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false) \
                        AS failing \
             FROM pg_stat_archiver",
        ))
        .await
        .ok()
        .flatten();
    let get_bool = |name: &str| {
        archive
            .as_ref()
            .and_then(|r| r.try_get::<bool>("", name).ok())
    };
    let archiving = match (get_bool("on"), get_bool("failing")) {
        (None, _) => "WAL archiving state not visible to this role".to_owned(),
        (Some(false), _) => {
            "WAL archiving off (no point-in-time recovery from this server)".to_owned()
        }
        (Some(true), Some(true)) => {
            status = Status::Warn;
            let failures = archive
                .as_ref()
                .and_then(|r| r.try_get::<i64>("", "failures").ok());
            format!(
                "WAL archiving FAILING ({} failures; see the server log)",
                failures.unwrap_or_default()
            )
        }
        (Some(true), _) => {
            let row = archive.as_ref();
            match row.and_then(|r| r.try_get::<Option<String>>("", "last").ok().flatten()) {
                None => "WAL archiving on, nothing archived yet".to_owned(),
                Some(last) => format!(
                    "WAL archiving on, last segment {last} archived {} s ago",
                    row.and_then(|r| r.try_get::<i64>("", "age").ok())
                        .unwrap_or_default()
                ),
            }
        }
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
