-- m20261125_001300_governance (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "audit_logs" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NULL, "user_id" uuid NULL, "actor_type" text NULL, "action" text NOT NULL, "resource_type" text NULL, "resource_id" text NULL, "request_hash" text NULL, "metadata" jsonb NULL, "ip" inet NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "audit_logs_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE SET NULL, CONSTRAINT "audit_logs_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE SET NULL );

CREATE INDEX "audit_logs_organization_id_created_at_idx" ON "audit_logs" ("organization_id", "created_at");

CREATE INDEX "audit_logs_user_id_created_at_idx" ON "audit_logs" ("user_id", "created_at");

CREATE INDEX "audit_logs_action_idx" ON "audit_logs" ("action");
