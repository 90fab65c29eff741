//! A test-only pause inside one migration, for crash-safety tests.
//!
//! With `NEONHUB_TEST_PAUSE_IN_MIGRATION=<migration name>` set, that migration's `up` runs as
//! usual, then prints `paused inside <name>` to stderr and sleeps (default 30 s, or
//! `NEONHUB_TEST_PAUSE_SECONDS`) inside its transaction, before sea-orm-migration records it.
//! A test kills the process there and checks that nothing of the migration remains. Unset (as
//! everywhere but in those tests) it changes nothing.

use sea_orm_migration::prelude::*;

const VAR: &str = "NEONHUB_TEST_PAUSE_IN_MIGRATION";

/// Wrap the migration named by the environment, if any.
pub fn wrap(migrations: Vec<Box<dyn MigrationTrait>>) -> Vec<Box<dyn MigrationTrait>> {
    let Ok(target) = std::env::var(VAR) else {
        return migrations;
    };
    migrations
        .into_iter()
        .map(|m| {
            if m.name() == target {
                Box::new(Paused(m)) as Box<dyn MigrationTrait>
            } else {
                m
            }
        })
        .collect()
}

struct Paused(Box<dyn MigrationTrait>);

impl MigrationName for Paused {
    fn name(&self) -> &str {
        self.0.name()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Paused {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.up(manager).await?;
        let seconds = std::env::var("NEONHUB_TEST_PAUSE_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30);
        eprintln!("paused inside {}", self.0.name());
        tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.down(manager).await
    }

    fn use_transaction(&self) -> Option<bool> {
        self.0.use_transaction()
    }
}
