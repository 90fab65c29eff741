# shellcheck shell=bash
# Shared by scripts/local-pg.sh and scripts/db-backup.sh (source it; it defines functions only).
#
#   env_value NAME [FILE]   the last NAME=value of FILE (default: the project's .env), unquoted
#   configured_url [NAME]   NAME (default DATABASE_URL) from the environment, else from .env
#   redact URL              the URL with its password replaced by ***
#   url_part URL FIELD      one part of a postgres:// URL: user, password, host, port, dbname,
#                           or a query parameter such as sslmode (percent-decoded)
#   export_libpq_env URL    export PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE,
#                           PGSSLROOTCERT) from URL, so that client tools need no URL argument
#                           and the password never appears on a command line (`ps`)

# shellcheck disable=SC2034 # ROOT is the caller's.
env_value() {
  local name="$1" file="${2:-$ROOT/.env}"
  [ -f "$file" ] || return 0
  sed -n "s/^[[:space:]]*\(export[[:space:]]\+\)\{0,1\}${name}[[:space:]]*=[[:space:]]*//p" "$file" \
    | tail -n 1 | sed "s/^[\"']//; s/[\"']\$//"
}

configured_url() {
  local name="${1:-DATABASE_URL}"
  if [ -n "${!name:-}" ]; then printf '%s' "${!name}"; return; fi
  env_value "$name"
}

redact() { printf '%s' "$1" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#'; }

url_part() {
  python3 - "$1" "$2" <<'PY'
import sys
from urllib.parse import urlsplit, unquote
u = urlsplit(sys.argv[1])
field = sys.argv[2]
from urllib.parse import parse_qs
parts = {
    "user": u.username, "password": u.password, "host": u.hostname,
    "port": u.port, "dbname": u.path.lstrip("/"),
}
if field in parts:
    value = parts[field]
else:
    value = (parse_qs(u.query).get(field) or [None])[0]
print(unquote(str(value)) if value is not None else "", end="")
PY
}

export_libpq_env() {
  local url="$1" value var field
  for pair in PGHOST:host PGPORT:port PGUSER:user PGPASSWORD:password PGDATABASE:dbname \
              PGSSLMODE:sslmode PGSSLROOTCERT:sslrootcert; do
    var="${pair%%:*}" field="${pair#*:}"
    value="$(url_part "$url" "$field")"
    if [ -n "$value" ]; then export "$var=$value"; else unset "$var"; fi
  done
}
