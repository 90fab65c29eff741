-- m20261125_000300_organizations (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP TABLE "team_members";

DROP TABLE "api_keys";

DROP TABLE "organization_members";

DROP TABLE "role_permissions";

DROP TABLE "organization_permissions";

DROP TABLE "organization_roles";

DROP TABLE "organizations";
