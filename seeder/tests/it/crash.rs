//! Killing the seeder (SIGKILL) in the middle of its transaction leaves no partial data; the
//! next run completes.

use crate::common;

use seeder::seeded_tables;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use testkit::DatabaseUrlArg;
use testkit::TestDb;

#[tokio::test]
async fn killed_midway_leaves_nothing_and_the_next_run_completes() {
    let db = TestDb::migrated().await;
    let before = common::snapshot(db.conn()).await;
    let tables = seeded_tables();
    let victim = tables[tables.len() / 2];
    let mut child = Command::new(env!("CARGO_BIN_EXE_seeder"))
        .database_url(db.url().as_str())
        .args(["--pause-after", victim])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("seeder ended before pausing").unwrap();
        if line.contains(&format!("paused after {victim}")) {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL, halfway through the fixtures
    child.wait().unwrap();
    // The server rolls the open transaction back when the connection drops.
    let mut waited = 0;
    while common::snapshot(db.conn()).await != before {
        waited += 1;
        assert!(waited < 100, "partial seed data is visible after the kill");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let out = common::run_seeder(db.url().as_str(), &[]).await;
    assert!(out.status.success(), "{}", common::stderr(&out));
    let counts = common::counts(db.conn()).await;
    for table in tables {
        assert!(
            counts[table] > 0,
            "{table} is empty after the completing run"
        );
    }
}
