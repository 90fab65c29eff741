-- m20261204_000600_denser_graph (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY). No session SET (a transaction pooler
-- would leave it on another client's connection): the lock timeout comes with the
-- runner's session (its startup packet); no statement timeout (builds take minutes
-- per million rows and block no writer). See migration/src/guard.rs.
-- squawk-ignore-file require-lock-timeout, require-statement-timeout

SELECT pg_get_indexdef(to_regclass($1)) AS def WHERE to_regclass($1) IS NOT NULL;

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_embedding_hnsw_next_idx ON messages USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) WITH (m = 16, ef_construction = 128) WHERE embedding_indexed;

DROP INDEX CONCURRENTLY IF EXISTS messages_embedding_hnsw_idx;

-- No client names this index: the rename gives the new one the name the old one
-- had (a brief lock on the index only).
SET LOCAL lock_timeout = '5s';
-- squawk-ignore renaming-object
ALTER INDEX IF EXISTS messages_embedding_hnsw_next_idx RENAME TO messages_embedding_hnsw_idx;

SELECT pg_get_indexdef(to_regclass($1)) AS def WHERE to_regclass($1) IS NOT NULL;

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS chunks_embedding_hnsw_next_idx ON chunks USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) WITH (m = 16, ef_construction = 128) WHERE embedding_indexed;

DROP INDEX CONCURRENTLY IF EXISTS chunks_embedding_hnsw_idx;

-- No client names this index: the rename gives the new one the name the old one
-- had (a brief lock on the index only).
SET LOCAL lock_timeout = '5s';
-- squawk-ignore renaming-object
ALTER INDEX IF EXISTS chunks_embedding_hnsw_next_idx RENAME TO chunks_embedding_hnsw_idx;
