-- m20261204_000100_retention_indexes (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY).

SET lock_timeout = '5s'; SET statement_timeout = '300s';

DROP INDEX CONCURRENTLY IF EXISTS content_drafts_updated_at_idx;

DROP INDEX CONCURRENTLY IF EXISTS audit_logs_created_at_idx;

DROP INDEX CONCURRENTLY IF EXISTS usage_records_timestamp_idx;

DROP INDEX CONCURRENTLY IF EXISTS campaign_metrics_timestamp_idx;

DROP INDEX CONCURRENTLY IF EXISTS verification_tokens_expires_at_idx;

DROP INDEX CONCURRENTLY IF EXISTS sessions_expires_at_idx;

RESET lock_timeout; RESET statement_timeout;
