//! The TypeScript client's generated inputs are what `make prisma-schema` generates now (the
//! Prisma schema from the migrated schema and prisma/names.toml, the search shape and SQL from
//! `entity::search`), the schema is the same when generated from a freshly migrated database's
//! live catalog, and the Rust signers give the bytes the TypeScript tests
//! (clients/ts/test/signing.test.ts) expect of theirs.

use entity::secrets::{SecretKey, token_hash};
use entity::tenant::{Tenant, TicketKey};
use neonhub_db::catalog::Catalog;
use smoke::prisma;
use testkit::TestDb;
use uuid::Uuid;

/// The committed files, compiled in (so that editing one rebuilds this test).
const COMMITTED: [(&str, &str); 3] = [
    (
        prisma::SCHEMA_PATH,
        include_str!("../../../prisma/schema.prisma"),
    ),
    (
        prisma::search_shape::SHAPE_PATH,
        include_str!("../../../clients/ts/src/search-shape.ts"),
    ),
    (
        prisma::search_shape::SAMPLES_PATH,
        include_str!("../../../clients/ts/test/search-sql.json"),
    ),
];

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(a.lines().count().min(b.lines().count()))
        + 1
}

#[test]
fn committed_typescript_inputs_are_what_make_prisma_schema_generates() {
    let generated = prisma::generated_files().expect("generate");
    assert_eq!(generated.len(), COMMITTED.len());
    for ((path, content), (committed_path, committed)) in generated.iter().zip(COMMITTED) {
        assert_eq!(*path, committed_path);
        assert!(
            content == committed,
            "{path} is out of date (first difference at line {}): run `make prisma-schema`",
            first_difference(committed, content)
        );
    }
}

#[test]
fn the_schema_names_the_apis_models_and_leaves_out_what_prisma_must_not_see() {
    // Whitespace runs as one space: the alignment of the fields is not the point.
    let squeeze = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let schema = &squeeze(COMMITTED[0].1);
    for model in [
        "model User {",
        "model Organization {",
        "model OrganizationMembership {",
        "model Connector {",
        "enum ConnectorKind {",
        "category ConnectorKind",
        "@@map(\"organization_members\")",
        "embedding Unsupported(\"vector\")?",
        "email String @unique",
        "PRISMA NEVER MIGRATES THIS DATABASE",
    ] {
        assert!(schema.contains(&squeeze(model)), "{model}");
    }
    for absent in [
        "@@map(\"seaql_migrations\")",
        "@@map(\"_migration_checksums\")",
        "@@map(\"verification_tokens\")",
        "model VerificationToken",
        "neonhub_private.",
    ] {
        assert!(!schema.contains(absent), "{absent}");
    }
    // The composite tenant keys are relations over both columns.
    assert!(schema.contains(
        "conversation Conversation @relation(fields: [conversationId, organizationId], references: [id, organizationId], onDelete: Cascade, onUpdate: NoAction)"
    ));
    // ON DELETE SET NULL (column) has no onDelete: Prisma cannot name the column.
    assert!(schema.contains(
        "onUpdate: NoAction) // ON DELETE SET NULL (dataset_id) in the database: Prisma cannot name the column"
    ));
}

#[test]
fn a_name_map_entry_that_names_nothing_or_a_clash_fails_the_generation() {
    let stale = prisma::render(
        migration::EXPECTED_SCHEMA,
        "[models]\nno_such_table = \"Nothing\"\n",
    )
    .expect_err("a stale entry");
    assert!(stale.to_string().contains("no_such_table"), "{stale}");
    let clash = prisma::render(migration::EXPECTED_SCHEMA, "[models]\nchunks = \"User\"\n")
        .expect_err("two tables as one model");
    assert!(clash.to_string().contains("model User"), "{clash}");
    let unknown = prisma::render(
        "table t\n  column a money not null\n  constraint t_pkey: PRIMARY KEY (a)\n",
        "",
    )
    .expect_err("an unknown type");
    assert!(unknown.to_string().contains("money"), "{unknown}");
}

#[tokio::test]
async fn the_schema_generated_from_a_migrated_databases_live_catalog_is_the_committed_one() {
    let db = TestDb::migrated().await;
    let catalog = Catalog::read(db.conn()).await.expect("catalog");
    let live = prisma::render(&catalog.render(), prisma::NAMES).expect("generate");
    assert!(
        live == COMMITTED[0].1,
        "generated from the live catalog, prisma/schema.prisma differs at line {}",
        first_difference(COMMITTED[0].1, &live)
    );
}

#[test]
fn rust_signs_and_hashes_the_bytes_the_typescript_tests_expect() {
    let key = TicketKey::new(SecretKey::new("t1", [7; 32]).expect("key"));
    let org = Uuid::parse_str("0190a0a0-0000-7000-8000-000000000001").expect("uuid");
    let user = Uuid::parse_str("0190a0a0-0000-7000-8000-000000000002").expect("uuid");
    assert_eq!(
        key.sign_until(Tenant::new(org).acting_as(user), 1_900_000_000)
            .as_str(),
        "nht1:t1:0190a0a0-0000-7000-8000-000000000001:0190a0a0-0000-7000-8000-000000000002:1900000000:\
         632f7e7994974868652e890467680e6c352896f3bb4de07eb3bf40bf2eb7f44d"
    );
    assert_eq!(
        token_hash("session token"),
        "9b39a83ab20d43a604754de232422b7bcae7eec416ff467100df5b6654f8227a"
    );
    assert_eq!(
        entity::users::normalize_email("  Ana.Lopez@Example.COM "),
        "ana.lopez@example.com"
    );
    assert_eq!(
        entity::users::normalize_email("Émile@X.test"),
        "Émile@x.test"
    );
    assert_eq!(
        entity::users::normalize_email("\tTab@x.test"),
        "\ttab@x.test"
    );
}
