-- m20261125_001500_hnsw_vector_indexes (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler
-- would leave it on another client's connection): the lock timeout comes with the
-- runner's session (its startup packet); no statement timeout (builds take minutes
-- per million rows and block no writer). See migration/src/guard.rs.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS brand_voices_embedding_hnsw_idx ON brand_voices USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_embedding_hnsw_idx ON messages USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
