-- m20261207_010000_users_email_normalized (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DO $$
DECLARE
    groups text;
    n bigint;
BEGIN
    SELECT count(*), string_agg(g.ids, '; ') INTO n, groups
      FROM (SELECT string_agg(u.id::text, ', ' ORDER BY u.id) AS ids
              FROM users u GROUP BY pg_catalog.lower(pg_catalog.btrim(u.email) COLLATE pg_catalog."C") HAVING count(*) > 1
             ORDER BY 1 LIMIT 20) g;
    IF n > 0 THEN
        RAISE EXCEPTION 'users: % email address(es) belong to more than one user once lower-cased and trimmed (user ids: %)', n, groups
            USING ERRCODE = 'unique_violation',
                  HINT = 'Merge those users or change their addresses (make export-user / erase-user), then migrate again: nothing of this migration was applied.';
    END IF;
END
$$;

CREATE FUNCTION users_normalize_email() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.email := pg_catalog.lower(pg_catalog.btrim(NEW.email) COLLATE pg_catalog."C");
    RETURN NEW;
END
$$;
CREATE TRIGGER users_normalize_email BEFORE INSERT OR UPDATE OF email ON users
    FOR EACH ROW EXECUTE FUNCTION users_normalize_email();
ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email = pg_catalog.lower(pg_catalog.btrim(email) COLLATE pg_catalog."C")) NOT VALID;
