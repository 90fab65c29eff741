-- m20261125_001500_hnsw_vector_indexes (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler
-- would leave it on another client's connection): the lock timeout comes with the
-- runner's session (its startup packet); no statement timeout (builds take minutes
-- per million rows and block no writer). See migration/src/guard.rs.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

DROP INDEX CONCURRENTLY IF EXISTS chunks_embedding_hnsw_idx;

DROP INDEX CONCURRENTLY IF EXISTS messages_embedding_hnsw_idx;

DROP INDEX CONCURRENTLY IF EXISTS brand_voices_embedding_hnsw_idx;
