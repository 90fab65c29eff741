-- m20261125_001500_hnsw_vector_indexes (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY).

SET lock_timeout = '5s'; SET statement_timeout = '300s';

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS brand_voices_embedding_hnsw_idx ON brand_voices USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_embedding_hnsw_idx ON messages USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

RESET lock_timeout; RESET statement_timeout;
