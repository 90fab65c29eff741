-- m20261207_000600_app_session_hardening (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO neonhub_app', current_database());
END
$$;
REVOKE SELECT, UPDATE, DELETE ON metric_events FROM neonhub_app;
GRANT SELECT (id) ON metric_events TO neonhub_app;
