-- m20261125_000900_models (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "model_versions" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "name" text NOT NULL, "provider" text NOT NULL, "version" text NOT NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "model_versions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE );

CREATE TABLE "training_jobs" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "model_version_id" uuid NOT NULL, "status" train_status NOT NULL DEFAULT 'queued', "config" jsonb NOT NULL, "metrics" jsonb NULL, "started_at" timestamp with time zone NOT NULL DEFAULT (now()), "completed_at" timestamp with time zone NULL, CONSTRAINT "training_jobs_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_versions" ("id") ON DELETE CASCADE );

CREATE TABLE "inference_endpoints" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "model_version_id" uuid NULL, "name" text NOT NULL, "slug" text NOT NULL, "status" text NOT NULL DEFAULT 'draft', "config" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "inference_endpoints_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "inference_endpoints_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_versions" ("id") ON DELETE SET NULL );

CREATE UNIQUE INDEX "model_versions_organization_id_name_version_key" ON "model_versions" ("organization_id", "name", "version");

CREATE INDEX "training_jobs_model_version_id_idx" ON "training_jobs" ("model_version_id");

CREATE UNIQUE INDEX "inference_endpoints_organization_id_slug_key" ON "inference_endpoints" ("organization_id", "slug");

CREATE INDEX "inference_endpoints_model_version_id_idx" ON "inference_endpoints" ("model_version_id");
