-- m20261125_000900_models (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP TABLE "inference_endpoints";

DROP TABLE "training_jobs";

DROP TABLE "model_versions";
