-- m20261125_001100_billing (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "subscriptions" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "user_id" uuid NOT NULL, "stripe_customer_id" text NOT NULL, "stripe_subscription_id" text NOT NULL, "stripe_price_id" text NOT NULL, "stripe_product_id" text NOT NULL, "plan" text NOT NULL, "status" text NOT NULL, "current_period_start" timestamp with time zone NOT NULL, "current_period_end" timestamp with time zone NOT NULL, "cancel_at_period_end" bool NOT NULL DEFAULT FALSE, "canceled_at" timestamp with time zone NULL, "campaigns_used" integer NOT NULL DEFAULT 0, "emails_sent" integer NOT NULL DEFAULT 0, "social_posts" integer NOT NULL DEFAULT 0, "agent_calls" integer NOT NULL DEFAULT 0, "campaign_limit" integer NOT NULL DEFAULT 5, "email_limit" integer NOT NULL DEFAULT 1000, "social_limit" integer NOT NULL DEFAULT 100, "agent_call_limit" integer NOT NULL DEFAULT 100, "trial_ends_at" timestamp with time zone NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE );

CREATE TABLE "invoices" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "subscription_id" uuid NOT NULL, "stripe_invoice_id" text NOT NULL, "stripe_payment_intent_id" text NULL, "amount_due" bigint NOT NULL, "amount_paid" bigint NOT NULL DEFAULT 0, "currency" text NOT NULL DEFAULT 'usd', "status" text NOT NULL, "invoice_pdf" text NULL, "hosted_invoice_url" text NULL, "due_date" timestamp with time zone NULL, "paid_at" timestamp with time zone NULL, "metadata" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "invoices_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions" ("id") ON DELETE CASCADE, CONSTRAINT "invoices_amount_due_check" CHECK (amount_due >= 0), CONSTRAINT "invoices_amount_paid_check" CHECK (amount_paid >= 0) );

CREATE TABLE "usage_records" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "subscription_id" uuid NOT NULL, "resource_type" text NOT NULL, "resource_id" text NULL, "quantity" integer NOT NULL DEFAULT 1, "cost" bigint NULL, "timestamp" timestamp with time zone NOT NULL DEFAULT (now()), "metadata" jsonb NULL, CONSTRAINT "usage_records_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions" ("id") ON DELETE CASCADE );

CREATE UNIQUE INDEX "subscriptions_user_id_key" ON "subscriptions" ("user_id");

CREATE UNIQUE INDEX "subscriptions_stripe_customer_id_key" ON "subscriptions" ("stripe_customer_id");

CREATE UNIQUE INDEX "subscriptions_stripe_subscription_id_key" ON "subscriptions" ("stripe_subscription_id");

CREATE UNIQUE INDEX "invoices_stripe_invoice_id_key" ON "invoices" ("stripe_invoice_id");

CREATE INDEX "invoices_subscription_id_status_idx" ON "invoices" ("subscription_id", "status");

CREATE INDEX "usage_records_subscription_id_resource_type_timestamp_idx" ON "usage_records" ("subscription_id", "resource_type", "timestamp");
