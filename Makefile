# NeonHub database as code. `make` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

CARGO ?= cargo
LOCAL_PG := scripts/local-pg.sh
# Binaries run from the workspace; extra flags through ARGS, e.g. `make smoke ARGS=--json`.
# Their recipes are silent (`@`), so that make's stdout is exactly the program's:
# `make smoke ARGS=--json | jq .` works.
ARGS ?=
RUN = @$(CARGO) run --quiet --locked -p

.PHONY: help demo test lint fmt build db-up db-down db-destroy db-status psql \
        backup-base restore-point restore-pitr restore-down db-replica-up db-replica-down \
        migrate migrate-status migrate-down migrate-fresh seed ticket-keys smoke doctor backup restore docs migrations-sql bench bench-pooler bench-scale synth vector-maintain purge export-user erase-user \
        citus-up citus-down test-citus prisma-schema ts-check ts-example ts-test bench-ts

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-16s %s\n", $$1, $$2}'

demo: db-up migrate seed ticket-keys smoke ## Fresh machine to seeded database: db-up, migrate, seed, ticket keys, smoke

test: db-up ## Run every test against the local (or configured) Postgres
	$(CARGO) test --locked --workspace
	python3 scripts/test_secret_scan.py
	python3 scripts/test_no_password_argv.py
	@$(MAKE) --no-print-directory ts-test

# The cluster tests are ignored by `make test` (a fresh clone has no Citus); this target starts the
# cluster when it is not running, runs them with --ignored, and stops the cluster again if it
# started it. The first run builds Citus from CITUS_SOURCE (see scripts/citus.sh).
test-citus: ## Run the Citus cluster tests (CITUS_SOURCE=/path/to/citus-14.0.1.tar.gz the first time)
	@started=0; \
	if ! scripts/citus.sh status >/dev/null 2>&1; then started=1; scripts/citus.sh up >/dev/null || { scripts/citus.sh down; exit 1; }; fi; \
	$(CARGO) test --locked -p smoke --test citus -- --ignored; status=$$?; \
	if [ $$started = 1 ]; then scripts/citus.sh down; fi; \
	exit $$status

lint: ## fmt --check, clippy -D warnings, secret scan, actionlint + zizmor, squawk on the migrations' SQL, shellcheck
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	python3 scripts/secret_scan.py
	scripts/lint-workflows.sh
	scripts/lint-migrations.sh
	scripts/lint-shell.sh

fmt: ## Format the code
	$(CARGO) fmt --all

build: ## Build every crate (release)
	$(CARGO) build --locked --workspace --release

db-up: ## Install and start the local PostgreSQL + pgvector (or use DATABASE_URL's server)
	@$(LOCAL_PG) up

db-down: ## Stop the local server
	@$(LOCAL_PG) down

db-destroy: ## Stop the local server and delete its data
	@$(LOCAL_PG) destroy

db-status: ## Is the local server running?
	@$(LOCAL_PG) status

psql: db-up ## psql on DATABASE_URL (the password through PGPASSWORD, not the command line); ARGS="-c 'select 1'"
	@ROOT=.; . scripts/lib/pg-url.sh; export_libpq_env "$$(configured_url DATABASE_URL)"; "$$($(LOCAL_PG) bin-dir)/psql" $(ARGS)

migrate: db-up ## Apply pending migrations
	$(RUN) migration -- up $(ARGS)

migrate-status: ## List migrations: applied, pending, unknown
	$(RUN) migration -- status $(ARGS)

migrate-down: ## Roll back the last migration
	$(RUN) migration -- down $(ARGS)

migrate-fresh: db-up ## Drop everything and apply all migrations
	$(RUN) migration -- fresh $(ARGS)

migrations-sql: db-up ## Write the SQL every migration runs to migration/sql/ (for review and squawk)
	$(RUN) migration -- render-sql --out migration/sql

bench: db-up ## Scale benchmark (100k chunks), Markdown figures vs baselines; ARGS="--chunks 20000", ARGS=--json
	@PG_BIN_DIR="$$($(LOCAL_PG) bin-dir)" $(CARGO) run --quiet --locked --release -p bench -- $(ARGS)

# The goals behind a transaction pooler (Debian's PgBouncer, scripts/pgbouncer.sh): the API's
# read path through it in pooler mode vs direct, `migration up` on an up-to-date database with a
# pooled DATABASE_URL and the direct URL set vs direct. About a minute; run it on a quiet machine.
bench-pooler: db-up ## Pooler goals: the API's read path through PgBouncer vs direct, migrate via it; ARGS=--json
	@$(CARGO) build --quiet --locked --release -p migration -p bench --bin migration --bin bench-pooler
	@$(CARGO) run --quiet --locked --release -p bench --bin bench-pooler -- $(ARGS)

# The scale configuration of issue 14 (docs/BENCHMARKS.md): 1M chunks and 100k messages over
# 1,000 organizations, every tenant of 1,000 rows or more and 100 smaller ones; builds stay in
# memory with maintenance_work_mem a quarter of the machine's RAM (PGOPTIONS, every connection
# of the run), and the graphs the searches walk stay in PostgreSQL's cache with shared_buffers
# a quarter too (the usual sizing): the local server is restarted with it and keeps it
# (LOCAL_PG_SHARED_BUFFERS=512MB make db-up returns to the default). About 36–39 minutes on 2
# cores; the second distribution: ARGS="--centroids 64" (about 50–64: its crowded graph takes
# longer to build).
QUARTER_OF_MEMORY = $$(awk '/MemTotal/ {printf "%dMB", $$2 / 4096}' /proc/meminfo)
SCALE_MWM = $(QUARTER_OF_MEMORY)
SCALE_SHARED_BUFFERS = $(QUARTER_OF_MEMORY)
SCALE_ARGS = --chunks 1000000 --messages 100000 --orgs 1000 --shares 0.0001,0.001,0.01,0.1,0.3 \
	--queries 30 --tenant-queries 5 --small-tenants 100 --storage-sample-rows 50000 \
	--load-rounds 1 --no-serial-baseline --no-load-baseline --table-graph-fixed-only --no-rls --ef-sweep 40,160,400,1000 --repeats 3 \
	--ingest-graph-rows 500

bench-scale: ## Scale benchmark: 1M chunks over 1,000 organizations (36–64 min); ARGS adds flags
	@LOCAL_PG_SHARED_BUFFERS="$(SCALE_SHARED_BUFFERS)" $(LOCAL_PG) up
	@PG_BIN_DIR="$$($(LOCAL_PG) bin-dir)" PGOPTIONS="-c maintenance_work_mem=$(SCALE_MWM)" \
		$(CARGO) run --quiet --locked --release -p bench -- $(SCALE_ARGS) $(ARGS)

vector-maintain: ## Tenant HNSW indexes: build for large tenants, drop unneeded (CONCURRENTLY); ARGS=--dry-run
	$(RUN) maintain --bin vector-maintain -- $(ARGS)

synth: db-up ## Bulk-load synthetic data; ARGS="--chunks 100000 --seed 42 --replace"
	@$(CARGO) run --quiet --locked --release -p seeder -- synth $(ARGS)

seed: ## Install the NeonHub fixtures (idempotent)
	$(RUN) seeder -- $(ARGS)

ticket-keys: ## Install the API's ticket keys (NEONHUB_TICKET_KEYS, environment or .env) into the database; retire the others
	$(RUN) seeder -- ticket-keys $(ARGS)

smoke: ## Row counts of every table
	$(RUN) smoke -- $(ARGS)

backup: ## pg_dump -Fc of DATABASE_URL into backups/<db>-<UTC>.dump
	@scripts/db-backup.sh backup

restore: ## Restore FILE=backups/....dump into DATABASE_URL (asks first; YES=1 skips)
	@scripts/db-backup.sh restore "$(FILE)"

docs: ## Regenerate docs/SCHEMA.md from the entities and migrations
	$(RUN) smoke -- schema-doc --out docs/SCHEMA.md

doctor: ## Readiness report (Markdown); ARGS="--out docs/READINESS.md" to write it
	$(RUN) smoke -- doctor $(ARGS)

backup-base: ## Base backup of the local server for point-in-time restores (pg_basebackup, verified, compressed)
	@scripts/pg-ha.sh base-backup

restore-point: ## Named restore point on the local server: make restore-point NAME=before-deploy
	@scripts/pg-ha.sh restore-point "$(NAME)"

restore-pitr: ## Restore into a NEW server on a spare port, then doctor there: TIME="2026-12-03T10:00:00Z" | LSN=0/3000060 | NAME=before-deploy
	@url="$$(TIME="$(TIME)" LSN="$(LSN)" NAME="$(NAME)" scripts/pg-ha.sh restore-pitr)" && \
	  DATABASE_URL="$$url" $(CARGO) run --quiet --locked -p smoke -- doctor; \
	  status=$$?; ROOT=.; . scripts/lib/pg-url.sh; \
	  echo "restored server: $$(redact "$$url") (the local server's password; \`make restore-down\` removes it)"; \
	  exit $$status

restore-down: ## Stop and delete the servers made by restore-pitr
	@scripts/pg-ha.sh restore-down

db-replica-up: db-up ## Start a hot standby of the local server (port 55434); writes DATABASE_READ_URL and DATABASE_APP_READ_URL
	@scripts/pg-ha.sh replica-up >/dev/null

citus-up: ## Local Citus cluster: coordinator + 2 workers on 55460-55462; prints its DATABASE_URL and DATABASE_APP_URL
	@scripts/citus.sh up

citus-down: ## Stop the local Citus cluster (its data stays; scripts/citus.sh destroy deletes it)
	@scripts/citus.sh down

db-replica-down: ## Stop and delete the hot standby
	@scripts/pg-ha.sh replica-down

purge: ## Apply the retention policy (lifecycle/retention.toml) in batches; ARGS=--dry-run, ARGS=--json
	$(RUN) lifecycle -- purge $(ARGS)

export-user: ## A user's GDPR export (every row naming them, one snapshot): make export-user WHO=<id or email> [ARGS="--out u.json"]
	$(RUN) lifecycle -- export-user "$(WHO)" $(ARGS)

erase-user: ## Erase a user (GDPR), keeping their organizations' data: make erase-user WHO=… ARGS="--reassign-to <member>" (or --delete-owned, --dry-run)
	$(RUN) lifecycle -- erase-user "$(WHO)" $(ARGS)

# The TypeScript client (clients/ts, docs/TYPESCRIPT.md). `npm ci` (npm registry only) runs again
# when package.json or the lockfile changes; node_modules is git-ignored.
TS := clients/ts
$(TS)/node_modules/.installed: $(TS)/package.json $(TS)/package-lock.json
	cd $(TS) && npm ci --no-audit --no-fund
	@touch $@

prisma-schema: ## Regenerate prisma/schema.prisma (and the TypeScript search's shape) from the migrations and prisma/names.toml
	$(RUN) smoke -- prisma-schema

ts-check: $(TS)/node_modules/.installed ## TypeScript client: prisma validate, prisma generate, tsc --noEmit
	@cd $(TS) && npm run --silent check >&2

ts-example: db-up ts-check ## A tenant query from TypeScript against DATABASE_APP_URL (after make demo)
	@cd $(TS) && npm run --silent build >&2 && node dist/examples/tenant-query.js $(ARGS)

ts-test: db-up ts-check ## TypeScript client's tests (node --test) on a scratch database, as the application login
	$(CARGO) build --locked --quiet -p migration -p seeder
	cd $(TS) && npm test --silent

# The 100k configuration of `make bench`; a smaller load: make bench-ts BENCH_TS_SYNTH="--chunks 20000 --orgs 12 --shares 0.001,0.01,0.11,0.5"
BENCH_TS_SYNTH ?= --chunks 100000 --messages 10000 --orgs 12 --shares 0.001,0.01,0.11,0.5
bench-ts: db-up ts-check ## TypeScript vs Rust: tenant search (recall, p50) and findUnique vs pg, on a scratch database (minutes)
	@$(CARGO) build --locked --quiet --release -p seeder -p maintain
	@$(CARGO) build --locked --quiet --release -p bench --example search_probe
	@$(CARGO) build --locked --quiet -p migration -p seeder
	@cd $(TS) && npm run --silent build >&2 && node dist/test/scratch.js --synth="$(BENCH_TS_SYNTH)" -- node dist/bench/bench.js --synth="$(BENCH_TS_SYNTH)" $(ARGS)
