-- m20261125_001400_add_connector_kind_enum (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

SELECT category, count(*) AS n FROM connectors WHERE NOT (category = ANY($1)) GROUP BY category ORDER BY category;

CREATE TYPE "connector_kind" AS ENUM ('EMAIL', 'SMS', 'WHATSAPP', 'REDDIT', 'INSTAGRAM', 'FACEBOOK', 'X', 'YOUTUBE', 'TIKTOK', 'GOOGLE_ADS', 'SHOPIFY', 'STRIPE', 'SLACK', 'DISCORD', 'LINKEDIN');

-- connectors is the small global catalogue (one row per channel): the rewrite takes milliseconds.
-- squawk-ignore changing-column-type
ALTER TABLE connectors ALTER COLUMN category TYPE connector_kind USING category::connector_kind;
