//! After `up` on an empty database the catalog equals `expected_schema.txt`, the schema this
//! workspace promises (tables, columns with type/nullability/default, primary, unique and
//! foreign keys with ON DELETE rules, checks, indexes including NULLS NOT DISTINCT and the HNSW
//! indexes, triggers, enum types with their values in order). Any missing or extra object fails.

use migration::{Migrator, MigratorTrait};
use testkit::TestDb;

use migration::EXPECTED_SCHEMA as EXPECTED;

/// Lines only in `expected` (`-`) and only in `actual` (`+`), with their table for context.
fn diff(expected: &str, actual: &str) -> String {
    let mut out = String::new();
    let mut table = "";
    for line in expected.lines() {
        if line.starts_with("table ") {
            table = line;
        }
        if !actual.lines().any(|l| l == line) {
            out += &format!("- {line}    [{table}]\n");
        }
    }
    for line in actual.lines() {
        if line.starts_with("table ") {
            table = line;
        }
        if !expected.lines().any(|l| l == line) {
            out += &format!("+ {line}    [{table}]\n");
        }
    }
    out
}

#[tokio::test]
async fn migrated_schema_matches_the_expected_schema() {
    let db = TestDb::empty().await;
    Migrator::up(db.conn(), None).await.expect("up");
    let actual = db.catalog().await.render();
    if std::env::var_os("BLESS").is_some_and(|v| v == "1") {
        // `BLESS=1 cargo test -p migration --test it conformance::`: accept the migrated schema as
        // the new expectation; review the diff of expected_schema.txt before committing.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/expected_schema.txt");
        std::fs::write(path, &actual).expect("write expected_schema.txt");
        return;
    }
    let d = diff(EXPECTED, &actual);
    assert!(
        d.is_empty(),
        "schema differs from expected_schema.txt:\n{d}"
    );
    assert_eq!(actual, EXPECTED, "same lines, different order");
}

#[tokio::test]
async fn schema_has_51_tables_and_9_enums() {
    let db = TestDb::migrated().await;
    let cat = db.catalog().await;
    assert_eq!(cat.schema_tables().count(), 51);
    assert_eq!(cat.enums.len(), 9);
    assert_eq!(
        cat.enums["connector_kind"],
        [
            "EMAIL",
            "SMS",
            "WHATSAPP",
            "REDDIT",
            "INSTAGRAM",
            "FACEBOOK",
            "X",
            "YOUTUBE",
            "TIKTOK",
            "GOOGLE_ADS",
            "SHOPIFY",
            "STRIPE",
            "SLACK",
            "DISCORD",
            "LINKEDIN"
        ]
    );
    assert!(cat.extensions.contains_key("vector"));
}

#[tokio::test]
async fn every_foreign_key_leads_an_index() {
    let db = TestDb::migrated().await;
    let cat = db.catalog().await;
    assert_eq!(cat.foreign_keys.len(), 80, "the spec names 80 foreign keys");
    let unindexed: Vec<_> = cat
        .unindexed_foreign_keys()
        .iter()
        .map(|fk| format!("{}({})", fk.table, fk.columns.join(", ")))
        .collect();
    assert!(
        unindexed.is_empty(),
        "foreign keys without a leading index: {unindexed:?}"
    );
}
