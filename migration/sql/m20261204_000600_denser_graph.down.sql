-- m20261204_000600_denser_graph (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Runs outside a transaction (CONCURRENTLY).

SET lock_timeout = '5s'; SET statement_timeout = '300s';

SELECT pg_get_indexdef(to_regclass($1)) AS def WHERE to_regclass($1) IS NOT NULL;

SELECT current_setting('statement_timeout') AS v;

SET statement_timeout = 0;

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_embedding_hnsw_next_idx ON messages USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) WITH (m = 16, ef_construction = 128) WHERE embedding_indexed;

SET statement_timeout = '5min';

DROP INDEX CONCURRENTLY IF EXISTS messages_embedding_hnsw_idx;

-- No client names this index: the rename gives the new one the name the old one
-- had (a brief lock on the index only).
-- squawk-ignore renaming-object
ALTER INDEX IF EXISTS messages_embedding_hnsw_next_idx RENAME TO messages_embedding_hnsw_idx;

SELECT pg_get_indexdef(to_regclass($1)) AS def WHERE to_regclass($1) IS NOT NULL;

SELECT current_setting('statement_timeout') AS v;

SET statement_timeout = 0;

SELECT NOT indisvalid AS invalid FROM pg_index WHERE indexrelid = to_regclass($1);

CREATE INDEX CONCURRENTLY IF NOT EXISTS chunks_embedding_hnsw_next_idx ON chunks USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) WITH (m = 16, ef_construction = 128) WHERE embedding_indexed;

SET statement_timeout = '5min';

DROP INDEX CONCURRENTLY IF EXISTS chunks_embedding_hnsw_idx;

-- No client names this index: the rename gives the new one the name the old one
-- had (a brief lock on the index only).
-- squawk-ignore renaming-object
ALTER INDEX IF EXISTS chunks_embedding_hnsw_next_idx RENAME TO chunks_embedding_hnsw_idx;

RESET lock_timeout; RESET statement_timeout;
