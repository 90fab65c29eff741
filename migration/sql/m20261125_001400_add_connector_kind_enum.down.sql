-- m20261125_001400_add_connector_kind_enum (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

-- connectors is the small global catalogue: the rewrite takes milliseconds.
-- squawk-ignore changing-column-type
ALTER TABLE connectors ALTER COLUMN category TYPE text USING category::text;

DROP TYPE "connector_kind";
