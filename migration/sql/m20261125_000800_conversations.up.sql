-- m20261125_000800_conversations (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "conversations" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "kind" conversation_kind NOT NULL DEFAULT 'support', "status" text NOT NULL DEFAULT 'active', "title" text NULL, "created_by_id" uuid NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "conversations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "conversations_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users" ("id") ON DELETE SET NULL );

CREATE TABLE "messages" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "conversation_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "author_id" uuid NULL, "role" message_role NOT NULL, "content" jsonb NOT NULL, "embedding" vector(1536) NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "messages_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations" ("id") ON DELETE CASCADE, CONSTRAINT "messages_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "messages_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE SET NULL );

CREATE INDEX "conversations_organization_id_created_at_idx" ON "conversations" ("organization_id", "created_at");

CREATE INDEX "conversations_created_by_id_idx" ON "conversations" ("created_by_id");

CREATE INDEX "messages_conversation_id_created_at_idx" ON "messages" ("conversation_id", "created_at");

CREATE INDEX "messages_role_created_at_idx" ON "messages" ("role", "created_at");

CREATE INDEX "messages_organization_id_idx" ON "messages" ("organization_id");

CREATE INDEX "messages_author_id_idx" ON "messages" ("author_id");
