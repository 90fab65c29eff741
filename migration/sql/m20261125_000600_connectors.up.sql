-- m20261125_000600_connectors (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "connectors" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "name" text NOT NULL, "display_name" text NOT NULL, "description" text NOT NULL, "category" text NOT NULL, "icon_url" text NULL, "website_url" text NULL, "auth_type" text NOT NULL, "auth_config" jsonb NOT NULL, "is_enabled" bool NOT NULL DEFAULT TRUE, "is_verified" bool NOT NULL DEFAULT FALSE, "triggers" jsonb NOT NULL, "actions" jsonb NOT NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()) );

CREATE TABLE "connector_auths" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "user_id" uuid NOT NULL, "connector_id" uuid NOT NULL, "organization_id" uuid NULL, "account_id" text NULL, "account_name" text NULL, "access_token" bytea NULL, "refresh_token" bytea NULL, "api_key" bytea NULL, "api_secret" bytea NULL, "scope" text NULL, "token_type" text NULL, "expires_at" timestamp with time zone NULL, "status" text NOT NULL DEFAULT 'active', "last_used_at" timestamp with time zone NULL, "last_error" text NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "connector_auths_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "connector_auths_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors" ("id") ON DELETE CASCADE, CONSTRAINT "connector_auths_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE SET NULL );

CREATE TABLE "trigger_configs" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "connector_auth_id" uuid NOT NULL, "name" text NOT NULL, "trigger_type" text NOT NULL, "config" jsonb NOT NULL, "is_active" bool NOT NULL DEFAULT TRUE, "last_triggered_at" timestamp with time zone NULL, "trigger_count" integer NOT NULL DEFAULT 0, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "trigger_configs_connector_auth_id_fkey" FOREIGN KEY ("connector_auth_id") REFERENCES "connector_auths" ("id") ON DELETE CASCADE );

CREATE TABLE "action_configs" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "connector_auth_id" uuid NOT NULL, "name" text NOT NULL, "action_type" text NOT NULL, "config" jsonb NOT NULL, "is_active" bool NOT NULL DEFAULT TRUE, "last_executed_at" timestamp with time zone NULL, "execution_count" integer NOT NULL DEFAULT 0, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "action_configs_connector_auth_id_fkey" FOREIGN KEY ("connector_auth_id") REFERENCES "connector_auths" ("id") ON DELETE CASCADE );

CREATE TABLE "credentials" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "user_id" uuid NOT NULL, "provider" text NOT NULL, "account_id" text NULL, "access_token" bytea NULL, "refresh_token" bytea NULL, "access_secret" bytea NULL, "scope" text NULL, "token_type" text NULL, "expires_at" timestamp with time zone NULL, "status" text NOT NULL DEFAULT 'active', "last_used_at" timestamp with time zone NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "credentials_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE );

CREATE UNIQUE INDEX "connectors_name_key" ON "connectors" ("name");

CREATE UNIQUE INDEX "connector_auths_user_id_connector_id_account_id_key" ON "connector_auths" ("user_id", "connector_id", "account_id") NULLS NOT DISTINCT;

CREATE INDEX "connector_auths_connector_id_idx" ON "connector_auths" ("connector_id");

CREATE INDEX "connector_auths_organization_id_idx" ON "connector_auths" ("organization_id");

CREATE INDEX "trigger_configs_connector_auth_id_is_active_idx" ON "trigger_configs" ("connector_auth_id", "is_active");

CREATE INDEX "action_configs_connector_auth_id_is_active_idx" ON "action_configs" ("connector_auth_id", "is_active");

CREATE UNIQUE INDEX "credentials_user_id_provider_account_id_key" ON "credentials" ("user_id", "provider", "account_id") NULLS NOT DISTINCT;

CREATE INDEX "credentials_user_id_provider_idx" ON "credentials" ("user_id", "provider");
