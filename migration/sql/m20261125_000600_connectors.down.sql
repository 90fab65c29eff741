-- m20261125_000600_connectors (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP TABLE "credentials";

DROP TABLE "action_configs";

DROP TABLE "trigger_configs";

DROP TABLE "connector_auths";

DROP TABLE "connectors";
