-- m20261125_001500_hnsw_vector_indexes (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY).

SET lock_timeout = '5s'; SET statement_timeout = '300s';

DROP INDEX CONCURRENTLY IF EXISTS chunks_embedding_hnsw_idx;

DROP INDEX CONCURRENTLY IF EXISTS messages_embedding_hnsw_idx;

DROP INDEX CONCURRENTLY IF EXISTS brand_voices_embedding_hnsw_idx;

RESET lock_timeout; RESET statement_timeout;
