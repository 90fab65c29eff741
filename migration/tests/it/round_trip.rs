//! Every migration is reversible: `up`, full `down`, `up` again yields the identical schema, and
//! after the full `down` nothing of ours is left (no table, type, function or extension).

use migration::{Migrator, MigratorTrait};
use testkit::TestDb;

#[tokio::test]
async fn up_down_up_gives_the_identical_schema() {
    let db = TestDb::empty().await;
    let conn = db.conn();
    let before = db.catalog().await;

    Migrator::up(conn, None).await.expect("first up");
    let first = db.catalog().await.render();

    Migrator::down(conn, None).await.expect("full down");
    let after_down = db.catalog().await;
    let leftover: Vec<_> = after_down.schema_tables().map(|(t, _)| t.clone()).collect();
    assert!(leftover.is_empty(), "tables left after down: {leftover:?}");
    assert!(
        after_down.enums.is_empty(),
        "types left: {:?}",
        after_down.enums
    );
    assert!(
        after_down.functions.is_empty(),
        "functions left: {:?}",
        after_down.functions
    );
    assert_eq!(after_down.extensions, before.extensions, "extensions left");
    assert!(
        Migrator::get_applied_migrations(conn)
            .await
            .unwrap()
            .is_empty(),
        "migrations still recorded as applied"
    );

    Migrator::up(conn, None).await.expect("second up");
    let second = db.catalog().await.render();
    assert_eq!(
        first, second,
        "the schema after up/down/up differs from the first up"
    );
}

#[tokio::test]
async fn each_migration_steps_down_and_up_again() {
    let db = TestDb::empty().await;
    let conn = db.conn();
    let total = Migrator::migrations().len();
    Migrator::up(conn, None).await.expect("up");
    let full = db.catalog().await.render();
    // Walk down one step at a time to nothing, checking each down on its own, then back up.
    for remaining in (0..total).rev() {
        Migrator::down(conn, Some(1)).await.expect("down one step");
        assert_eq!(
            Migrator::get_applied_migrations(conn).await.unwrap().len(),
            remaining
        );
    }
    for applied in 1..=total {
        Migrator::up(conn, Some(1)).await.expect("up one step");
        assert_eq!(
            Migrator::get_applied_migrations(conn).await.unwrap().len(),
            applied
        );
    }
    assert_eq!(db.catalog().await.render(), full);
}
