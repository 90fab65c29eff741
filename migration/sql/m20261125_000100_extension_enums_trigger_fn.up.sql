-- m20261125_000100_extension_enums_trigger_fn (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

SELECT 1 FROM pg_available_extensions WHERE name = 'vector';

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TYPE "agent_kind" AS ENUM ('COPILOT', 'WORKFLOW', 'ANALYST');

CREATE TYPE "agent_status" AS ENUM ('DRAFT', 'ACTIVE', 'PAUSED', 'DISABLED');

CREATE TYPE "message_role" AS ENUM ('system', 'user', 'assistant', 'tool');

CREATE TYPE "conversation_kind" AS ENUM ('support', 'campaign', 'planning', 'ad_hoc');

CREATE TYPE "dataset_kind" AS ENUM ('documents', 'faq', 'analytics');

CREATE TYPE "train_status" AS ENUM ('queued', 'running', 'completed', 'failed', 'cancelled');

CREATE TYPE "content_kind" AS ENUM ('article', 'email', 'social_script', 'ad_copy');

CREATE TYPE "campaign_status" AS ENUM ('draft', 'scheduled', 'active', 'paused', 'completed', 'archived');

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
