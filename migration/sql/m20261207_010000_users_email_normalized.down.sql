-- m20261207_010000_users_email_normalized (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

ALTER TABLE users DROP CONSTRAINT users_email_check;
DROP TRIGGER users_normalize_email ON users;
DROP FUNCTION users_normalize_email();
