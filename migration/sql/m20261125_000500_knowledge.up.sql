-- m20261125_000500_knowledge (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "datasets" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "embedding_space_id" uuid NULL, "name" text NOT NULL, "slug" text NOT NULL, "kind" dataset_kind NOT NULL, "description" text NULL, "source" text NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "datasets_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "datasets_embedding_space_id_fkey" FOREIGN KEY ("embedding_space_id") REFERENCES "embedding_spaces" ("id") ON DELETE SET NULL );

CREATE TABLE "documents" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "dataset_id" uuid NULL, "organization_id" uuid NOT NULL, "owner_id" uuid NOT NULL, "embedding_space_id" uuid NULL, "title" text NOT NULL, "content" text NOT NULL, "status" text NOT NULL DEFAULT 'draft', "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "documents_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets" ("id") ON DELETE SET NULL, CONSTRAINT "documents_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "documents_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "documents_embedding_space_id_fkey" FOREIGN KEY ("embedding_space_id") REFERENCES "embedding_spaces" ("id") ON DELETE SET NULL );

CREATE TABLE "chunks" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "dataset_id" uuid NOT NULL, "document_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "embedding_space_id" uuid NOT NULL, "idx" integer NOT NULL, "text" text NOT NULL, "embedding" vector(1536) NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "chunks_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets" ("id") ON DELETE CASCADE, CONSTRAINT "chunks_document_id_fkey" FOREIGN KEY ("document_id") REFERENCES "documents" ("id") ON DELETE CASCADE, CONSTRAINT "chunks_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "chunks_embedding_space_id_fkey" FOREIGN KEY ("embedding_space_id") REFERENCES "embedding_spaces" ("id") ON DELETE CASCADE, CONSTRAINT "chunks_idx_check" CHECK (idx >= 0) );

CREATE UNIQUE INDEX "datasets_organization_id_slug_key" ON "datasets" ("organization_id", "slug");

CREATE INDEX "datasets_embedding_space_id_idx" ON "datasets" ("embedding_space_id");

CREATE INDEX "documents_dataset_id_idx" ON "documents" ("dataset_id");

CREATE INDEX "documents_organization_id_idx" ON "documents" ("organization_id");

CREATE INDEX "documents_owner_id_idx" ON "documents" ("owner_id");

CREATE INDEX "documents_embedding_space_id_idx" ON "documents" ("embedding_space_id");

CREATE UNIQUE INDEX "chunks_document_id_idx_key" ON "chunks" ("document_id", "idx");

CREATE INDEX "chunks_dataset_id_idx" ON "chunks" ("dataset_id");

CREATE INDEX "chunks_organization_id_idx" ON "chunks" ("organization_id");

CREATE INDEX "chunks_embedding_space_id_idx" ON "chunks" ("embedding_space_id");
