-- m20261207_000600_app_session_hardening (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

REVOKE SELECT (id) ON metric_events FROM neonhub_app;
GRANT SELECT, UPDATE, DELETE ON metric_events TO neonhub_app;
DO $$
BEGIN
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM neonhub_app', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
END
$$;
