-- m20261204_000100_retention_indexes (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler
-- would leave it on another client's connection): the lock timeout comes with the
-- runner's session (its startup packet); no statement timeout (builds take minutes
-- per million rows and block no writer). See migration/src/guard.rs.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_expires_at_idx ON sessions (expires_at);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS verification_tokens_expires_at_idx ON verification_tokens (expires_at);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS campaign_metrics_timestamp_idx ON campaign_metrics ("timestamp");

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS usage_records_timestamp_idx ON usage_records ("timestamp");

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_logs_created_at_idx ON audit_logs (created_at);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS content_drafts_updated_at_idx ON content_drafts (updated_at);
