-- m20261204_000100_retention_indexes (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler
-- would leave it on another client's connection): the lock timeout comes with the
-- runner's session (its startup packet); no statement timeout (builds take minutes
-- per million rows and block no writer). See migration/src/guard.rs.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

DROP INDEX CONCURRENTLY IF EXISTS content_drafts_updated_at_idx;

DROP INDEX CONCURRENTLY IF EXISTS audit_logs_created_at_idx;

DROP INDEX CONCURRENTLY IF EXISTS usage_records_timestamp_idx;

DROP INDEX CONCURRENTLY IF EXISTS campaign_metrics_timestamp_idx;

DROP INDEX CONCURRENTLY IF EXISTS verification_tokens_expires_at_idx;

DROP INDEX CONCURRENTLY IF EXISTS sessions_expires_at_idx;
