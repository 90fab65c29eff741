-- m20261125_000700_agents (down): the SQL this migration executes, captured by `make migrations-sql`.
-- Generated; a test fails when it differs from what the migration runs.

SET LOCAL lock_timeout = '5s'; SET LOCAL statement_timeout = '300s';

DROP TABLE "agent_jobs";

DROP TABLE "tool_executions";

DROP TABLE "tools";

DROP TABLE "agent_run_metrics";

DROP TABLE "agent_runs";

DROP TABLE "agent_configs";

DROP TABLE "agent_capabilities";

DROP TABLE "agents";
