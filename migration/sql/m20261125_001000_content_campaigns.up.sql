-- m20261125_001000_content_campaigns (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "content" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "author_id" uuid NULL, "kind" content_kind NOT NULL, "status" text NOT NULL DEFAULT 'draft', "title" text NULL, "body" text NULL, "metadata" jsonb NULL, "published_at" timestamp with time zone NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "content_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "content_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE SET NULL );

CREATE TABLE "content_drafts" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NULL, "title" text NOT NULL, "topic" text NOT NULL, "body" text NOT NULL, "tone" text NOT NULL DEFAULT 'professional', "audience" text NULL, "status" text NOT NULL DEFAULT 'draft', "created_by_id" uuid NOT NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "content_drafts_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE SET NULL, CONSTRAINT "content_drafts_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users" ("id") ON DELETE CASCADE );

CREATE TABLE "campaigns" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "owner_id" uuid NOT NULL, "name" text NOT NULL, "status" campaign_status NOT NULL DEFAULT 'draft', "type" text NOT NULL, "config" jsonb NULL, "schedule" jsonb NULL, "budget" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "campaigns_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "campaigns_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users" ("id") ON DELETE CASCADE );

CREATE TABLE "campaign_metrics" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "campaign_id" uuid NOT NULL, "kind" text NOT NULL, "value" double precision NULL, "payload" jsonb NULL, "timestamp" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "campaign_metrics_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns" ("id") ON DELETE CASCADE );

CREATE TABLE "email_sequences" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "campaign_id" uuid NOT NULL, "subject" text NOT NULL, "body" text NOT NULL, "variant" text NULL, "scheduled_for" timestamp with time zone NULL, "sent_at" timestamp with time zone NULL, "metrics" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "email_sequences_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns" ("id") ON DELETE CASCADE );

CREATE TABLE "social_posts" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "campaign_id" uuid NOT NULL, "platform" text NOT NULL, "content" text NOT NULL, "media_urls" jsonb NULL, "variant" text NULL, "scheduled_for" timestamp with time zone NULL, "published_at" timestamp with time zone NULL, "external_id" text NULL, "metrics" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "social_posts_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns" ("id") ON DELETE CASCADE );

CREATE TABLE "ab_tests" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "campaign_id" uuid NOT NULL, "name" text NOT NULL, "variants" jsonb NOT NULL, "winner" text NULL, "metrics" jsonb NOT NULL, "started_at" timestamp with time zone NOT NULL DEFAULT (now()), "completed_at" timestamp with time zone NULL, CONSTRAINT "ab_tests_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns" ("id") ON DELETE CASCADE );

CREATE TABLE "metric_events" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "type" text NOT NULL, "meta" jsonb NOT NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()) );

CREATE INDEX "content_organization_id_idx" ON "content" ("organization_id");

CREATE INDEX "content_author_id_idx" ON "content" ("author_id");

CREATE INDEX "content_drafts_created_by_id_status_idx" ON "content_drafts" ("created_by_id", "status");

CREATE INDEX "content_drafts_created_at_idx" ON "content_drafts" ("created_at");

CREATE INDEX "content_drafts_organization_id_idx" ON "content_drafts" ("organization_id");

CREATE INDEX "campaigns_organization_id_status_idx" ON "campaigns" ("organization_id", "status");

CREATE INDEX "campaigns_owner_id_idx" ON "campaigns" ("owner_id");

CREATE INDEX "campaign_metrics_campaign_id_kind_timestamp_idx" ON "campaign_metrics" ("campaign_id", "kind", "timestamp");

CREATE INDEX "email_sequences_campaign_id_scheduled_for_idx" ON "email_sequences" ("campaign_id", "scheduled_for");

CREATE INDEX "social_posts_campaign_id_platform_scheduled_for_idx" ON "social_posts" ("campaign_id", "platform", "scheduled_for");

CREATE INDEX "ab_tests_campaign_id_idx" ON "ab_tests" ("campaign_id");

CREATE INDEX "metric_events_type_idx" ON "metric_events" ("type");

CREATE INDEX "metric_events_created_at_idx" ON "metric_events" ("created_at");
