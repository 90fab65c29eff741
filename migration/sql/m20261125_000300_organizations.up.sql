-- m20261125_000300_organizations (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "organizations" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "slug" text NOT NULL, "name" text NOT NULL, "plan" text NOT NULL DEFAULT 'starter', "settings" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()) );

CREATE TABLE "organization_roles" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "name" text NOT NULL, "slug" text NOT NULL, "description" text NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "organization_roles_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE );

CREATE TABLE "organization_permissions" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "key" text NOT NULL, "description" text NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "organization_permissions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE );

CREATE TABLE "role_permissions" ( "role_id" uuid NOT NULL, "permission_id" uuid NOT NULL, CONSTRAINT "role_permissions_pkey" PRIMARY KEY ("role_id", "permission_id"), CONSTRAINT "role_permissions_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "organization_roles" ("id") ON DELETE CASCADE, CONSTRAINT "role_permissions_permission_id_fkey" FOREIGN KEY ("permission_id") REFERENCES "organization_permissions" ("id") ON DELETE CASCADE );

CREATE TABLE "organization_members" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role_id" uuid NULL, "status" text NOT NULL DEFAULT 'active', "invited_by_id" uuid NULL, "joined_at" timestamp with time zone NOT NULL DEFAULT (now()), "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "organization_members_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "organization_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "organization_members_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "organization_roles" ("id") ON DELETE SET NULL, CONSTRAINT "organization_members_invited_by_id_fkey" FOREIGN KEY ("invited_by_id") REFERENCES "users" ("id") ON DELETE SET NULL );

CREATE TABLE "api_keys" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "created_by_id" uuid NOT NULL, "name" text NOT NULL, "key_prefix" text NOT NULL, "token_hash" text NOT NULL, "scopes" text[] NOT NULL DEFAULT ('{}'), "last_used_at" timestamp with time zone NULL, "expires_at" timestamp with time zone NULL, "revoked_at" timestamp with time zone NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "api_keys_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "api_keys_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users" ("id") ON DELETE CASCADE );

CREATE TABLE "team_members" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NULL, "user_id" uuid NOT NULL, "role" text NOT NULL DEFAULT 'Member', "department" text NULL, "status" text NOT NULL DEFAULT 'active', "invited_by_id" uuid NULL, "invited_at" timestamp with time zone NULL, "joined_at" timestamp with time zone NOT NULL DEFAULT (now()), "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "team_members_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE SET NULL, CONSTRAINT "team_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "team_members_invited_by_id_fkey" FOREIGN KEY ("invited_by_id") REFERENCES "users" ("id") ON DELETE SET NULL );

CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations" ("slug");

CREATE UNIQUE INDEX "organization_roles_organization_id_slug_key" ON "organization_roles" ("organization_id", "slug");

CREATE UNIQUE INDEX "organization_permissions_organization_id_key_key" ON "organization_permissions" ("organization_id", "key");

CREATE INDEX "role_permissions_permission_id_idx" ON "role_permissions" ("permission_id");

CREATE UNIQUE INDEX "organization_members_organization_id_user_id_key" ON "organization_members" ("organization_id", "user_id");

CREATE INDEX "organization_members_user_id_idx" ON "organization_members" ("user_id");

CREATE INDEX "organization_members_role_id_idx" ON "organization_members" ("role_id");

CREATE INDEX "organization_members_invited_by_id_idx" ON "organization_members" ("invited_by_id");

CREATE UNIQUE INDEX "api_keys_token_hash_key" ON "api_keys" ("token_hash");

CREATE INDEX "api_keys_organization_id_idx" ON "api_keys" ("organization_id");

CREATE INDEX "api_keys_created_by_id_idx" ON "api_keys" ("created_by_id");

CREATE UNIQUE INDEX "team_members_user_id_organization_id_key" ON "team_members" ("user_id", "organization_id") NULLS NOT DISTINCT;

CREATE INDEX "team_members_role_status_idx" ON "team_members" ("role", "status");

CREATE INDEX "team_members_organization_id_idx" ON "team_members" ("organization_id");

CREATE INDEX "team_members_invited_by_id_idx" ON "team_members" ("invited_by_id");
