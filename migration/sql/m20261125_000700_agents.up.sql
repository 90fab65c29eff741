-- m20261125_000700_agents (up): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.
-- Every index here is on a table this migration creates (empty, not yet in use):
-- squawk-ignore-file require-concurrent-index-creation

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

CREATE TABLE "agents" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "name" text NOT NULL, "slug" text NOT NULL, "kind" agent_kind NOT NULL, "status" agent_status NOT NULL DEFAULT 'ACTIVE', "description" text NULL, "version" text NULL, "config" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "agents_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE );

CREATE TABLE "agent_capabilities" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "agent_id" uuid NOT NULL, "name" text NOT NULL, "config" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "agent_capabilities_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents" ("id") ON DELETE CASCADE );

CREATE TABLE "agent_configs" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "agent_id" uuid NOT NULL, "key" text NOT NULL, "value" jsonb NOT NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "agent_configs_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents" ("id") ON DELETE CASCADE );

CREATE TABLE "agent_runs" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "agent_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "dataset_id" uuid NULL, "status" text NOT NULL DEFAULT 'queued', "input" jsonb NOT NULL, "output" jsonb NULL, "metrics" jsonb NULL, "started_at" timestamp with time zone NOT NULL DEFAULT (now()), "completed_at" timestamp with time zone NULL, CONSTRAINT "agent_runs_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents" ("id") ON DELETE CASCADE, CONSTRAINT "agent_runs_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "agent_runs_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets" ("id") ON DELETE SET NULL );

CREATE TABLE "agent_run_metrics" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "agent_run_id" uuid NOT NULL, "name" text NOT NULL, "value" double precision NULL, "metadata" jsonb NULL, CONSTRAINT "agent_run_metrics_agent_run_id_fkey" FOREIGN KEY ("agent_run_id") REFERENCES "agent_runs" ("id") ON DELETE CASCADE );

CREATE TABLE "tools" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NOT NULL, "agent_id" uuid NULL, "connector_id" uuid NULL, "name" text NOT NULL, "slug" text NOT NULL, "description" text NULL, "input_schema" jsonb NULL, "output_schema" jsonb NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "tools_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE, CONSTRAINT "tools_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents" ("id") ON DELETE SET NULL, CONSTRAINT "tools_connector_id_fkey" FOREIGN KEY ("connector_id") REFERENCES "connectors" ("id") ON DELETE SET NULL );

CREATE TABLE "tool_executions" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "tool_id" uuid NOT NULL, "agent_run_id" uuid NULL, "status" text NOT NULL DEFAULT 'queued', "input" jsonb NULL, "output" jsonb NULL, "started_at" timestamp with time zone NOT NULL DEFAULT (now()), "completed_at" timestamp with time zone NULL, "metadata" jsonb NULL, CONSTRAINT "tool_executions_tool_id_fkey" FOREIGN KEY ("tool_id") REFERENCES "tools" ("id") ON DELETE CASCADE, CONSTRAINT "tool_executions_agent_run_id_fkey" FOREIGN KEY ("agent_run_id") REFERENCES "agent_runs" ("id") ON DELETE SET NULL );

CREATE TABLE "agent_jobs" ( "id" uuid NOT NULL DEFAULT (gen_random_uuid()) PRIMARY KEY, "organization_id" uuid NULL, "agent" text NOT NULL, "input" jsonb NOT NULL, "output" jsonb NULL, "status" text NOT NULL DEFAULT 'queued', "error" text NULL, "metrics" jsonb NULL, "created_by_id" uuid NULL, "created_at" timestamp with time zone NOT NULL DEFAULT (now()), "updated_at" timestamp with time zone NOT NULL DEFAULT (now()), CONSTRAINT "agent_jobs_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE SET NULL, CONSTRAINT "agent_jobs_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users" ("id") ON DELETE SET NULL );

CREATE UNIQUE INDEX "agents_organization_id_slug_key" ON "agents" ("organization_id", "slug");

CREATE UNIQUE INDEX "agent_capabilities_agent_id_name_key" ON "agent_capabilities" ("agent_id", "name");

CREATE UNIQUE INDEX "agent_configs_agent_id_key_key" ON "agent_configs" ("agent_id", "key");

CREATE INDEX "agent_runs_agent_id_started_at_idx" ON "agent_runs" ("agent_id", "started_at");

CREATE INDEX "agent_runs_organization_id_idx" ON "agent_runs" ("organization_id");

CREATE INDEX "agent_runs_dataset_id_idx" ON "agent_runs" ("dataset_id");

CREATE INDEX "agent_run_metrics_agent_run_id_idx" ON "agent_run_metrics" ("agent_run_id");

CREATE UNIQUE INDEX "tools_organization_id_slug_key" ON "tools" ("organization_id", "slug");

CREATE INDEX "tools_agent_id_idx" ON "tools" ("agent_id");

CREATE INDEX "tools_connector_id_idx" ON "tools" ("connector_id");

CREATE INDEX "tool_executions_tool_id_idx" ON "tool_executions" ("tool_id");

CREATE INDEX "tool_executions_agent_run_id_idx" ON "tool_executions" ("agent_run_id");

CREATE INDEX "agent_jobs_agent_idx" ON "agent_jobs" ("agent");

CREATE INDEX "agent_jobs_status_idx" ON "agent_jobs" ("status");

CREATE INDEX "agent_jobs_created_at_idx" ON "agent_jobs" ("created_at");

CREATE INDEX "agent_jobs_organization_id_idx" ON "agent_jobs" ("organization_id");

CREATE INDEX "agent_jobs_created_by_id_idx" ON "agent_jobs" ("created_by_id");
