//! The readiness report's application-role checks: no login granted the role fails; leftover
//! bench/test logins, application sessions stuck in a transaction or blocking others, and
//! settings stored on the application's roles are named with the command that fixes each; a
//! rollback that drops the role says how to restore its logins (on a server of its own).

use sea_orm::ConnectionTrait;
use smoke::Status;
use std::time::Duration;
use testkit::TestDb;

/// A login of the test's own granted `role` (random name, so that tests on one server never
/// meet), with its password.
async fn login_of(db: &TestDb, prefix: &str, role: &str) -> (String, String) {
    let name = format!(
        "{prefix}{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    let password = uuid::Uuid::now_v7().simple().to_string();
    db.conn()
        .execute_unprepared(&format!(
            "CREATE ROLE {name} LOGIN PASSWORD '{password}'; GRANT {role} TO {name}"
        ))
        .await
        .unwrap();
    (name, password)
}

async fn drop_roles(db: &TestDb, roles: &[&str]) {
    for role in roles {
        db.conn()
            .execute_unprepared(&format!("DROP OWNED BY {role}; DROP ROLE IF EXISTS {role}"))
            .await
            .ok();
    }
}

fn check<'a>(checks: &'a [smoke::Check], name: &str) -> &'a smoke::Check {
    checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}: {checks:?}"))
}

#[tokio::test]
async fn an_application_role_without_logins_fails_and_leftovers_and_settings_are_named() {
    // A scratch application role of this test (neonhub_app is the cluster's: other tests use it).
    let db = TestDb::migrated().await;
    let role = format!(
        "neonhub_scratch_app_{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    db.conn()
        .execute_unprepared(&format!("CREATE ROLE {role} NOLOGIN"))
        .await
        .unwrap();
    let options = smoke::DoctorOptions::default();

    // No LOGIN member: the application cannot connect under RLS.
    let checks = smoke::app_role_checks(db.conn(), &role, &options).await;
    let logins = check(&checks, "Application logins");
    assert_eq!(logins.status, Status::Fail, "{logins:?}");
    assert!(
        logins
            .summary
            .contains(&format!("no LOGIN role is a member of {role}"))
            && logins.summary.contains(&format!("GRANT {role} TO")),
        "{logins:?}"
    );
    // A role that does not exist at all fails too.
    let gone = smoke::app_role_checks(db.conn(), "neonhub_no_such_role", &options).await;
    assert_eq!(check(&gone, "Application logins").status, Status::Fail);

    // An API login and a bench killed before it dropped its login (no session).
    let (api, _) = login_of(&db, "neonhub_doctor_", &role).await;
    let (bench, _) = login_of(&db, "neonhub_bench_", &role).await;
    let checks = smoke::app_role_checks(db.conn(), &role, &options).await;
    let logins = check(&checks, "Application logins");
    assert_eq!(logins.status, Status::Warn, "{logins:?}");
    let details = logins.details.join("\n");
    assert!(
        details.contains(&format!("{bench}: looks like the login of a killed bench"))
            && details.contains(&format!("DROP ROLE {bench};")),
        "{details}"
    );
    assert!(
        !details.contains(&format!("{api}: looks like")),
        "{details}"
    );

    // Settings: the API login lacks the expected limits; then one is set to 1 ms (what SQL
    // injection can do with ALTER ROLE self), and the role itself carries a setting.
    let settings = check(&checks, "Application role settings");
    assert_eq!(settings.status, Status::Warn, "{settings:?}");
    let details = settings.details.join("\n");
    for (name, value) in smoke::EXPECTED_LOGIN_SETTINGS {
        assert!(
            details.contains(&format!("ALTER ROLE {api} SET {name} = '{value}';")),
            "{details}"
        );
    }
    assert!(
        !details.contains(&bench),
        "leftovers are not asked for limits: {details}"
    );
    for (name, value) in smoke::EXPECTED_LOGIN_SETTINGS {
        db.conn()
            .execute_unprepared(&format!("ALTER ROLE {api} SET {name} = '{value}'"))
            .await
            .unwrap();
    }
    let checks = smoke::app_role_checks(db.conn(), &role, &options).await;
    assert_eq!(
        check(&checks, "Application role settings").status,
        Status::Pass,
        "{checks:?}"
    );
    db.conn()
        .execute_unprepared(&format!(
            "ALTER ROLE {api} SET statement_timeout = '1ms'; \
             ALTER ROLE {api} SET search_path = pg_temp, public; \
             ALTER ROLE {role} SET work_mem = '64kB'"
        ))
        .await
        .unwrap();
    let checks = smoke::app_role_checks(db.conn(), &role, &options).await;
    let settings = check(&checks, "Application role settings");
    assert_eq!(settings.status, Status::Warn, "{settings:?}");
    let details = settings.details.join("\n");
    for needle in [
        format!(
            "{api}: statement_timeout=1ms is not expected (expected 30s): ALTER ROLE {api} RESET \
             statement_timeout; ALTER ROLE {api} SET statement_timeout = '30s';"
        ),
        format!("ALTER ROLE {api} RESET search_path;"),
        format!("{role}: work_mem=64kB is not expected on {role} itself"),
        format!("ALTER ROLE {role} RESET work_mem;"),
    ] {
        assert!(
            details.contains(&needle),
            "expected {needle:?} in:\n{details}"
        );
    }
    assert!(
        !details.contains(&format!("ALTER ROLE {api} SET lock_timeout")),
        "the limits it has are not asked for again: {details}"
    );
    drop_roles(&db, &[&api, &bench]).await;
    db.conn()
        .execute_unprepared(&format!("DROP ROLE {role}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn application_sessions_stuck_in_a_transaction_or_blocking_others_are_named() {
    use sea_orm::TransactionTrait;
    let db = TestDb::migrated().await;
    let role = format!(
        "neonhub_scratch_app_{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    db.conn()
        .execute_unprepared(&format!(
            "CREATE ROLE {role} NOLOGIN; GRANT SELECT, UPDATE ON organizations TO {role}"
        ))
        .await
        .unwrap();
    let (api, password) = login_of(&db, "neonhub_doctor_", &role).await;
    let app = testkit::neonhub_db::connect(
        &db.url().with_credentials(&api, Some(&password)),
        Duration::from_secs(10),
        1,
    )
    .await
    .unwrap();
    let options = smoke::DoctorOptions {
        stuck_after: Duration::from_secs(1),
    };
    let checks = smoke::app_role_checks(db.conn(), &role, &options).await;
    assert_eq!(
        check(&checks, "Application sessions").status,
        Status::Pass,
        "{checks:?}"
    );

    // The application session takes a lock and goes idle in its transaction (a request that
    // never committed); the owner's write waits behind it.
    let txn = app.begin().await.unwrap();
    let pid = testkit::int(&txn, "SELECT pg_backend_pid()::bigint").await;
    txn.execute_unprepared("LOCK TABLE organizations IN SHARE MODE")
        .await
        .unwrap();
    let writer = db.conn().clone();
    let waiting = tokio::spawn(async move {
        writer
            .execute_unprepared("INSERT INTO organizations (slug, name) VALUES ('w', 'W')")
            .await
    });
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let checks = smoke::app_role_checks(db.conn(), &role, &options).await;
    let sessions = check(&checks, "Application sessions");
    assert_eq!(sessions.status, Status::Warn, "{sessions:?}");
    let details = sessions.details.join("\n");
    for needle in [
        format!("pid {pid} (role {api}"),
        "idle in transaction for ".to_owned(),
        "blocking 1 session(s)".to_owned(),
        "LOCK TABLE organizations IN SHARE MODE".to_owned(),
        format!("SELECT pg_terminate_backend({pid});"),
    ] {
        assert!(
            details.contains(&needle),
            "expected {needle:?} in:\n{details}"
        );
    }
    // The report's own command ends it; the write goes through.
    testkit::int(
        db.conn(),
        &format!("SELECT count(*) FROM (SELECT pg_terminate_backend({pid})) t"),
    )
    .await;
    waiting
        .await
        .unwrap()
        .expect("the write waited, then went through");
    drop(txn);
    app.close().await.ok();
    drop_roles(&db, &[&api]).await;
    db.conn()
        .execute_unprepared(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_rollback_that_drops_the_application_role_says_how_to_restore_its_logins() {
    // On a server of its own: the tenant-isolation migration's down drops neonhub_app only when
    // no other database uses it, which never holds on the shared test server.
    use migration::runner::{Action, RunOptions, run_with_report};
    use testkit::local_server::LocalServer;
    let _turn = crate::OWN_SERVERS.lock().await;
    let server = LocalServer::prepare("membership", 55490..=55499);
    let (url, db) = server.migrated(1).await;
    let doctor = || smoke::doctor(Some(&url), Duration::from_secs(10));
    let logins = |r: &smoke::Report| r.check("Application logins").unwrap().clone();
    // `local-pg.sh up` grants the role to the API login.
    assert_eq!(logins(&doctor().await).status, Status::Pass);
    let members = || async {
        testkit::neonhub_db::app_role::members(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(members().await, ["neonhub_api"]);

    // reset: the role goes, and the run says which grant to restore.
    let (report, result) = run_with_report(&url, &db, Action::Reset, &RunOptions::default()).await;
    result.unwrap();
    let lines = report.membership.join("\n");
    assert!(
        lines.contains("the rollback dropped the role neonhub_app")
            && lines.contains("GRANT neonhub_app TO neonhub_api;"),
        "{lines}"
    );
    assert!(!testkit::neonhub_db::app_role::exists(&db).await.unwrap());
    let check = logins(&doctor().await);
    assert_eq!(check.status, Status::Fail, "{check:?}");

    // up creates the role again, without its logins: doctor fails until the grant is restored.
    let (report, result) =
        run_with_report(&url, &db, Action::Up(None), &RunOptions::default()).await;
    result.unwrap();
    assert!(report.membership.is_empty());
    assert!(members().await.is_empty());
    let check = logins(&doctor().await);
    assert_eq!(check.status, Status::Fail, "{check:?}");
    assert!(
        check.summary.contains("no LOGIN role is a member"),
        "{check:?}"
    );
    db.execute_unprepared("GRANT neonhub_app TO neonhub_api")
        .await
        .unwrap();

    // refresh drops and creates the role in one run: the runner grants it again itself.
    let (report, result) =
        run_with_report(&url, &db, Action::Refresh, &RunOptions::default()).await;
    result.unwrap();
    let lines = report.membership.join("\n");
    assert!(lines.contains("granted it again to neonhub_api"), "{lines}");
    assert_eq!(members().await, ["neonhub_api"]);
    assert_eq!(logins(&doctor().await).status, Status::Pass);

    // A rollback that keeps the role (one step) says nothing.
    let (report, result) =
        run_with_report(&url, &db, Action::Down(1), &RunOptions::default()).await;
    result.unwrap();
    assert!(report.membership.is_empty(), "{:?}", report.membership);
    db.close().await.ok();
}
