-- m20261125_001800_append_only_audit_logs (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP TRIGGER audit_logs_no_truncate ON audit_logs;
DROP TRIGGER audit_logs_append_only ON audit_logs;
DROP FUNCTION audit_logs_append_only();
