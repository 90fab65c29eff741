-- m20261125_001000_content_campaigns (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP TABLE "metric_events";

DROP TABLE "ab_tests";

DROP TABLE "social_posts";

DROP TABLE "email_sequences";

DROP TABLE "campaign_metrics";

DROP TABLE "campaigns";

DROP TABLE "content_drafts";

DROP TABLE "content";
