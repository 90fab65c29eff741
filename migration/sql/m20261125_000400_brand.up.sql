-- m20261125_000400_brand (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "embedding_spaces" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "name" text NOT NULL, "provider" text NOT NULL, "model" text NOT NULL, "dimension" integer NOT NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "embedding_spaces_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "embedding_spaces_dimension_check" CHECK (dimension BETWEEN 1 AND 16000) );

CREATE TABLE "brands" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "name" text NOT NULL, "slug" text NOT NULL, "description" text NULL, "main_color" text NULL, "slogan" text NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "brands_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE );

CREATE TABLE "brand_voices" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "brand_id" uuid NOT NULL, "embedding_space_id" uuid NOT NULL, "prompt_template" text NOT NULL, "style_rules" jsonb NOT NULL, "embedding" vector(1536) NULL, "metrics" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "brand_voices_brand_id_fkey" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE CASCADE, CONSTRAINT "brand_voices_embedding_space_id_fkey" FOREIGN KEY ("embedding_space_id") REFERENCES "embedding_spaces" ("id") ON DELETE CASCADE );

CREATE TABLE "brand_assets" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "brand_id" uuid NOT NULL, "kind" text NOT NULL, "name" text NOT NULL, "url" text NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "brand_assets_brand_id_fkey" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE CASCADE );

CREATE UNIQUE INDEX "embedding_spaces_organization_id_name_key" ON "embedding_spaces" ("organization_id", "name");

CREATE UNIQUE INDEX "brands_organization_id_slug_key" ON "brands" ("organization_id", "slug");

CREATE INDEX "brand_voices_brand_id_idx" ON "brand_voices" ("brand_id");

CREATE INDEX "brand_voices_embedding_space_id_idx" ON "brand_voices" ("embedding_space_id");

CREATE INDEX "brand_assets_brand_id_idx" ON "brand_assets" ("brand_id");
