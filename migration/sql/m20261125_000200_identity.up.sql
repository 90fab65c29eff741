-- m20261125_000200_identity (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "users" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "email" text NOT NULL, "name" text NULL, "image" text NULL, "email_verified_at" timestamp with time zone NULL, "stripe_customer_id" text NULL, "is_beta_user" bool NOT NULL DEFAULT FALSE, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()) );

CREATE TABLE "accounts" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "user_id" uuid NOT NULL, "type" text NOT NULL, "provider" text NOT NULL, "provider_account_id" text NOT NULL, "refresh_token" bytea NULL, "access_token" bytea NULL, "expires_at" bigint NULL, "token_type" text NULL, "scope" text NULL, "id_token" bytea NULL, "session_state" text NULL, CONSTRAINT "accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE );

CREATE TABLE "sessions" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "user_id" uuid NOT NULL, "token_hash" text NOT NULL, "expires_at" timestamp with time zone NOT NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE );

CREATE TABLE "verification_tokens" ( "identifier" text NOT NULL, "token_hash" text NOT NULL, "expires_at" timestamp with time zone NOT NULL, CONSTRAINT "verification_tokens_pkey" PRIMARY KEY ("identifier", "token_hash") );

CREATE TABLE "user_settings" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "user_id" uuid NOT NULL, "brand_voice" jsonb NULL, "email_notifications" bool NOT NULL DEFAULT TRUE, "push_notifications" bool NOT NULL DEFAULT FALSE, "notification_frequency" text NOT NULL DEFAULT 'realtime', "timezone" text NOT NULL DEFAULT 'UTC', "locale" text NOT NULL DEFAULT 'en-US', "date_format" text NOT NULL DEFAULT 'MM/DD/YYYY', "data_retention_days" integer NOT NULL DEFAULT 90, "allow_analytics" bool NOT NULL DEFAULT TRUE, "allow_personalization" bool NOT NULL DEFAULT TRUE, "api_rate_limit" integer NOT NULL DEFAULT 1000, "webhook_url" text NULL, "webhook_secret" bytea NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "user_settings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "user_settings_data_retention_days_check" CHECK (data_retention_days > 0), CONSTRAINT "user_settings_api_rate_limit_check" CHECK (api_rate_limit >= 0) );

CREATE UNIQUE INDEX "users_stripe_customer_id_key" ON "users" ("stripe_customer_id");

CREATE UNIQUE INDEX "accounts_provider_provider_account_id_key" ON "accounts" ("provider", "provider_account_id");

CREATE INDEX "accounts_user_id_idx" ON "accounts" ("user_id");

CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions" ("token_hash");

CREATE INDEX "sessions_user_id_idx" ON "sessions" ("user_id");

CREATE UNIQUE INDEX "verification_tokens_token_hash_key" ON "verification_tokens" ("token_hash");

CREATE UNIQUE INDEX "user_settings_user_id_key" ON "user_settings" ("user_id");

CREATE UNIQUE INDEX users_email_key ON users (lower(email));
