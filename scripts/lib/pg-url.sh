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
#
# A URL is never an argument of a program these functions run (every user of the machine sees
# arguments in `ps` and /proc/*/cmdline): the parser gets it in its environment, which only its
# own user can read.

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

# The parser: the URL in PG_URL_INPUT (environment), the fields to print as arguments; prints
# each field's value followed by a NUL byte (values are percent-decoded; empty when absent).
_pg_url_fields() {
  python3 -c '
import os, sys
from urllib.parse import parse_qs, unquote, urlsplit
u = urlsplit(os.environ["PG_URL_INPUT"])
parts = {"user": u.username, "password": u.password, "host": u.hostname,
         "port": u.port, "dbname": u.path.lstrip("/")}
for field in sys.argv[1:]:
    if field in parts:
        value = parts[field]
    else:
        value = (parse_qs(u.query).get(field) or [None])[0]
    sys.stdout.write((unquote(str(value)) if value is not None else "") + "\0")
' "$@"
}

url_part() {
  local value
  IFS= read -r -d '' value < <(PG_URL_INPUT="$1" _pg_url_fields "$2") || true
  printf '%s' "$value"
}

export_libpq_env() {
  local url="$1" value var pairs=(PGHOST:host PGPORT:port PGUSER:user PGPASSWORD:password
    PGDATABASE:dbname PGSSLMODE:sslmode PGSSLROOTCERT:sslrootcert)
  local fields=() values=() i
  for i in "${pairs[@]}"; do fields+=("${i#*:}"); done
  # One parse for every field (not one process per field).
  while IFS= read -r -d '' value; do values+=("$value"); done \
    < <(PG_URL_INPUT="$url" _pg_url_fields "${fields[@]}")
  [ "${#values[@]}" -eq "${#pairs[@]}" ] || { echo "pg-url: cannot parse the URL $(redact "$url")" >&2; return 1; }
  for i in "${!pairs[@]}"; do
    var="${pairs[$i]%%:*}" value="${values[$i]}"
    if [ -n "$value" ]; then export "$var=$value"; else unset "$var"; fi
  done
}
