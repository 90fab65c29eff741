//! `lifecycle erase-user`: refuses (changing nothing) while the person owns organization data;
//! reassigns it to a member in one transaction, or deletes it only when told; the other
//! members' data is intact; audit entries stay, scrubbed (no actor, ip or personal metadata),
//! and the erasure's own entry holds no identity; a dry run and a refused run change nothing; a
//! second run has nothing to do; the application role still cannot scrub or delete audit rows.

use lifecycle::{EraseError, EraseOptions, erase_user};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use testkit::{AppLogin, TestDb, text};

/// md5 of every table's rows, in one string: equal means nothing changed anywhere.
async fn fingerprint(db: &DatabaseConnection) -> String {
    let tables = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace \
             AND relkind = 'r' ORDER BY 1",
        ))
        .await
        .expect("tables");
    let mut out = String::new();
    for t in tables {
        let table: String = t.try_get_by_index(0).expect("name");
        let h = text(
            db,
            &format!(
                "SELECT md5(coalesce(string_agg(md5(x::text), '' ORDER BY md5(x::text)), '')) \
                 FROM {table} x"
            ),
        )
        .await;
        out.push_str(&format!("{table}:{h},"));
    }
    out
}

struct Fixture {
    db: TestDb,
    admin: String,
    member: String,
}

/// The seed, and audit entries of the admin with an ip and personal metadata.
async fn fixture() -> Fixture {
    let db = TestDb::migrated().await;
    seeder::seed(db.conn(), &seeder::SeedOptions::default())
        .await
        .expect("seed");
    let admin = text(
        db.conn(),
        "SELECT id::text FROM users WHERE email = 'admin@neonhub.ai'",
    )
    .await;
    let member = text(
        db.conn(),
        "SELECT u.email FROM organization_members m JOIN users u ON u.id = m.user_id \
         WHERE m.status = 'active' AND u.email <> 'admin@neonhub.ai' ORDER BY u.email LIMIT 1",
    )
    .await;
    db.conn()
        .execute_unprepared(&format!(
            "INSERT INTO audit_logs (user_id, action, ip, metadata) VALUES \
             ('{admin}', 'user.signed_in', '203.0.113.7', \
              '{{\"email\": \"admin@neonhub.ai\", \"user_agent\": \"curl\", \"plan\": \"pro\"}}')"
        ))
        .await
        .expect("audit entries");
    Fixture { db, admin, member }
}

#[tokio::test]
async fn organization_data_is_refused_then_reassigned_and_the_person_is_gone() {
    let f = fixture().await;
    let db = f.db.conn();
    let before = fingerprint(db).await;
    let documents = text(db, "SELECT count(*)::text FROM documents").await;
    let chunks = text(db, "SELECT count(*)::text FROM chunks").await;
    let campaigns = text(db, "SELECT count(*)::text FROM campaigns").await;

    // No choice made: refused, listing the data, nothing changed.
    let err = erase_user(db, "admin@neonhub.ai", &EraseOptions::default())
        .await
        .expect_err("owns organization data");
    let EraseError::OwnsOrganizationData(owned) = &err else {
        panic!("{err}");
    };
    let keys: Vec<&str> = owned.iter().map(|o| o.key.as_str()).collect();
    assert!(
        keys.contains(&"documents.owner_id") && keys.contains(&"campaigns.owner_id"),
        "{err}"
    );
    assert!(err.to_string().contains("--reassign-to"));
    // A target outside the organization: refused.
    let outsider = text(
        db,
        "INSERT INTO users (email) VALUES ('outsider@example.com') RETURNING email",
    )
    .await;
    let before_outsider = fingerprint(db).await;
    let err = erase_user(
        db,
        &f.admin,
        &EraseOptions {
            reassign_to: Some(outsider.clone()),
            ..EraseOptions::default()
        },
    )
    .await
    .expect_err("not a member");
    assert!(matches!(err, EraseError::NotAMember { .. }), "{err}");
    // A dry run: the full report, nothing changed.
    let dry = erase_user(
        db,
        &f.admin,
        &EraseOptions {
            reassign_to: Some(f.member.clone()),
            dry_run: true,
            ..EraseOptions::default()
        },
    )
    .await
    .expect("dry run");
    assert!(dry.dry_run && !dry.reassigned.is_empty());
    assert_eq!(
        fingerprint(db).await,
        before_outsider,
        "refusals and dry runs change nothing"
    );
    assert_ne!(before, before_outsider);

    let report = erase_user(
        db,
        "admin@neonhub.ai",
        &EraseOptions {
            reassign_to: Some(f.member.clone()),
            ..EraseOptions::default()
        },
    )
    .await
    .expect("erase with reassignment");
    assert_eq!(report.user_id.as_deref(), Some(f.admin.as_str()));
    assert_eq!(report.reassigned, dry.reassigned);
    assert_eq!(report.audit_scrubbed, 2, "the seed's entry and ours");
    // The organization keeps its data, now the member's.
    assert_eq!(
        text(db, "SELECT count(*)::text FROM documents").await,
        documents
    );
    assert_eq!(text(db, "SELECT count(*)::text FROM chunks").await, chunks);
    assert_eq!(
        text(db, "SELECT count(*)::text FROM campaigns").await,
        campaigns
    );
    assert_eq!(
        text(db, &format!("SELECT count(*)::text FROM documents d JOIN users u ON u.id = d.owner_id WHERE u.email = '{}'", f.member)).await,
        report.reassigned["documents.owner_id"].to_string()
    );
    // The person is gone, their own rows with them.
    assert_eq!(
        text(
            db,
            "SELECT count(*)::text FROM users WHERE email = 'admin@neonhub.ai'"
        )
        .await,
        "0"
    );
    assert_eq!(
        text(
            db,
            &format!(
                "SELECT count(*)::text FROM organization_members WHERE user_id = '{}'",
                f.admin
            )
        )
        .await,
        "0"
    );
    // Audit entries stay, scrubbed: no actor, no ip, no personal keys; other keys kept.
    assert_eq!(
        text(db, "SELECT (user_id IS NULL AND ip IS NULL)::text || ' ' || metadata::text FROM audit_logs WHERE action = 'user.signed_in'").await,
        "true {\"plan\": \"pro\"}"
    );
    // The erasure's own entry: counts, no identity.
    let entry = text(
        db,
        "SELECT metadata::text FROM audit_logs WHERE action = 'user.erased'",
    )
    .await;
    assert!(entry.contains("documents.owner_id"), "{entry}");
    assert!(
        !entry.contains(&f.admin) && !entry.contains("admin@neonhub.ai"),
        "{entry}"
    );
    // Idempotent.
    let again = erase_user(db, "admin@neonhub.ai", &EraseOptions::default())
        .await
        .expect("second run");
    assert_eq!(again.user_id, None);
    assert!(again.summary().starts_with("nothing to do"));
}

#[tokio::test]
async fn owned_data_goes_only_when_told() {
    let f = fixture().await;
    let db = f.db.conn();
    let owned = text(
        db,
        &format!(
            "SELECT count(*)::text FROM documents WHERE owner_id = '{}'",
            f.admin
        ),
    )
    .await;
    let all = text(db, "SELECT count(*)::bigint::text FROM documents").await;
    let report = erase_user(
        db,
        &f.admin,
        &EraseOptions {
            delete_owned: true,
            ..EraseOptions::default()
        },
    )
    .await
    .expect("erase with --delete-owned");
    assert_eq!(report.deleted["documents.owner_id"].to_string(), owned);
    assert_eq!(
        text(db, "SELECT count(*)::text FROM documents").await,
        (all.parse::<u64>().unwrap() - owned.parse::<u64>().unwrap()).to_string()
    );
}

#[tokio::test]
async fn the_application_role_cannot_scrub_or_delete_audit_rows() {
    let f = fixture().await;
    let app = AppLogin::new(&f.db).await;
    for sql in [
        format!("SELECT audit_logs_scrub_user('{}', ARRAY['email'])", f.admin),
        "SELECT set_config('neonhub.audit_maintenance', 'scrub', true); UPDATE audit_logs SET ip = NULL".to_owned(),
        "SELECT set_config('neonhub.audit_maintenance', 'scrub', true); DELETE FROM audit_logs".to_owned(),
    ] {
        let err = app.conn.execute_unprepared(&sql).await.expect_err(&sql).to_string();
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }
    app.drop_role().await;
    // The owner with the scrub flag may only scrub: any other change is still refused.
    let err =
        f.db.conn()
            .execute_unprepared(
                "SELECT set_config('neonhub.audit_maintenance', 'scrub', true); \
             UPDATE audit_logs SET user_id = NULL, ip = NULL, action = 'rewritten'",
            )
            .await
            .expect_err("a rewrite under the scrub flag")
            .to_string();
    assert!(err.contains("append-only"), "{err}");
}
