# Shared by scripts/local-pg.sh and scripts/db-backup.sh (source it; it defines functions only).
#
#   env_value NAME [FILE]   the last NAME=value of FILE (default: the project's .env), unquoted
#   configured_url [NAME]   NAME (default DATABASE_URL) from the environment, else from .env
#   redact URL              the URL with its password replaced by ***
#   url_part URL FIELD      one part of a postgres:// URL: user, password, host, port, dbname
#                           (percent-decoded), for libpq's PG* variables: a password never has
#                           to appear on a command line

# shellcheck disable=SC2034 # ROOT is the caller's.
env_value() {
  local name="$1" file="${2:-$ROOT/.env}"
  [ -f "$file" ] || return 0
  sed -n "s/^[[:space:]]*\(export[[:space:]]\+\)\{0,1\}$name[[:space:]]*=[[:space:]]*//p" "$file" \
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
value = {
    "user": u.username, "password": u.password, "host": u.hostname,
    "port": u.port, "dbname": u.path.lstrip("/"),
}[field]
print(unquote(str(value)) if value is not None else "", end="")
PY
}
