//! The application role's members across a rollback. A rollback past the tenant-isolation
//! migration drops `neonhub_app` (roles are cluster-wide: only when no other database of the
//! server uses it), and the logins granted it lose their membership without a word. The runner
//! records the role's members before a `down`, `reset`, `fresh` or `refresh`
//! ([`neonhub_db::app_role::members`]); afterwards [`restore_members`] grants the role again to
//! those that lost it when the role exists (a later step of the same run re-created it), and
//! otherwise says which grants to restore once `migration up` has re-created it.

use neonhub_db::app_role::{self, Member};
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseConnection};

/// After a rollback: the members of `neonhub_app` recorded before it that are no longer
/// members. When the role exists (a later step re-created it), they are granted it again;
/// otherwise (or when a grant fails), the grants to restore are said.
pub(crate) async fn restore_members(db: &DatabaseConnection, before: &[Member]) -> Vec<String> {
    let role = app_role::APP_ROLE;
    let now = match app_role::members(db).await {
        Ok(now) => now,
        Err(err) => {
            return vec![format!(
                "warning: cannot read the members of {role} after the rollback ({}); before it \
                 they were: {}",
                neonhub_db::describe(&err),
                before
                    .iter()
                    .map(Member::grant_sql)
                    .collect::<Vec<_>>()
                    .join(" ")
            )];
        }
    };
    let lost: Vec<&Member> = before
        .iter()
        .filter(|m| !now.iter().any(|n| n.name == m.name))
        .collect();
    if lost.is_empty() {
        return Vec::new();
    }
    let exists = app_role::exists(db).await.unwrap_or(false);
    let mut lines = Vec::new();
    let mut restore = Vec::new();
    for member in lost {
        if exists {
            match db.execute_unprepared(&member.grant_sql()).await {
                Ok(_) => {
                    lines.push(format!(
                        "{role} was dropped and created again by this run: granted it again to \
                         {} ({})",
                        member.name,
                        member.grant_sql()
                    ));
                    continue;
                }
                Err(err) => lines.push(format!(
                    "warning: could not grant {role} again to {}: {}",
                    member.name,
                    neonhub_db::describe(&err)
                )),
            }
        }
        restore.push(member.grant_sql());
    }
    if !restore.is_empty() {
        lines.push(if exists {
            format!(
                "warning: {} login(s) lost their membership of {role}: restore it as the \
                 owner: {}",
                restore.len(),
                restore.join(" ")
            )
        } else {
            format!(
                "warning: the rollback dropped the role {role}: {} login(s) lost their \
                 membership, and the application cannot work under row-level security until \
                 `migration up` has created the role again and you have run, as the owner: {}",
                restore.len(),
                restore.join(" ")
            )
        });
    }
    lines
}
