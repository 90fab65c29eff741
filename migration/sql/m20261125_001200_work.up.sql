-- m20261125_001200_work (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "tasks" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NULL, "title" text NOT NULL, "description" text NULL, "status" text NOT NULL DEFAULT 'todo', "priority" text NOT NULL DEFAULT 'medium', "created_by_id" uuid NOT NULL, "assignee_id" uuid NULL, "due_date" timestamp with time zone NULL, "completed_at" timestamp with time zone NULL, "tags" text[] NOT NULL DEFAULT ('{}'), "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "tasks_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE SET NULL, CONSTRAINT "tasks_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "tasks_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "users" ("id") ON DELETE SET NULL );

CREATE TABLE "feedback" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NULL, "type" text NOT NULL, "category" text NULL, "title" text NOT NULL, "description" text NOT NULL, "rating" integer NULL, "status" text NOT NULL DEFAULT 'open', "user_id" uuid NOT NULL, "metadata" jsonb NULL, "response" text NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), "resolved_at" timestamp with time zone NULL, CONSTRAINT "feedback_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE SET NULL, CONSTRAINT "feedback_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "feedback_rating_check" CHECK (rating BETWEEN 1 AND 5) );

CREATE INDEX "tasks_created_by_id_status_idx" ON "tasks" ("created_by_id", "status");

CREATE INDEX "tasks_assignee_id_status_idx" ON "tasks" ("assignee_id", "status");

CREATE INDEX "tasks_due_date_idx" ON "tasks" ("due_date");

CREATE INDEX "tasks_organization_id_idx" ON "tasks" ("organization_id");

CREATE INDEX "feedback_type_status_idx" ON "feedback" ("type", "status");

CREATE INDEX "feedback_user_id_status_idx" ON "feedback" ("user_id", "status");

CREATE INDEX "feedback_created_at_idx" ON "feedback" ("created_at");

CREATE INDEX "feedback_organization_id_idx" ON "feedback" ("organization_id");
