-- m20261125_000100_extension_enums_trigger_fn (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP FUNCTION IF EXISTS set_updated_at();

DROP TYPE IF EXISTS "campaign_status";

DROP TYPE IF EXISTS "content_kind";

DROP TYPE IF EXISTS "train_status";

DROP TYPE IF EXISTS "dataset_kind";

DROP TYPE IF EXISTS "conversation_kind";

DROP TYPE IF EXISTS "message_role";

DROP TYPE IF EXISTS "agent_status";

DROP TYPE IF EXISTS "agent_kind";

DROP EXTENSION IF EXISTS vector;
