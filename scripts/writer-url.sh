#!/usr/bin/env bash
# The database URL of the tools that write (migrations, the seed, vector-maintain, purge,
# erase-user, backups and restores), resolved as the NeonHub binaries resolve it
# (neonhub_db::DatabaseUrl::resolve_writer): DIRECT_DATABASE_URL, else Neon's
# DATABASE_URL_UNPOOLED, else DATABASE_URL; each from the environment, then from .env.
#
# Usage:
#   scripts/writer-url.sh url     print the URL on stdout (capture it: url="$(...)"); warn on
#                                 stderr when it looks pooled
#   scripts/writer-url.sh check   fail (exit 1, a GitHub ::error:: line in Actions) when no URL
#                                 is set or the one found looks pooled: for CI steps that write,
#                                 which must not fall back to a pooled DATABASE_URL
#   scripts/writer-url.sh name    print which variable it came from
#
# "Looks pooled": pgbouncer=true in its query, a Neon host with -pooler. in its name, or port
# 6432 (PgBouncer's). The URL is never passed as an argument (`ps` shows arguments to every
# user of the machine): it is read from the environment or .env and printed only for capture.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/pg-url.sh
. "$ROOT/scripts/lib/pg-url.sh"

name="" url=""
for var in DIRECT_DATABASE_URL DATABASE_URL_UNPOOLED DATABASE_URL; do
  url="$(configured_url "$var")"
  if [ -n "$url" ]; then name="$var"; break; fi
done

# Why URL looks pooled (on stdout), or nothing with a non-zero status.
looks_pooled() {
  local url="$1" query="" hostport
  case "$url" in *\?*) query="${url#*\?}" ;; esac
  if [[ "&$query&" =~ \&pgbouncer=[Tt][Rr][Uu][Ee]\& ]]; then
    echo "pgbouncer=true in its query"; return 0
  fi
  hostport="${url#*://}"
  hostport="${hostport%%\?*}"
  hostport="${hostport%%/*}"
  hostport="${hostport##*@}"
  case "$hostport" in
    *-pooler.*) echo "its host is a pooled endpoint (-pooler.)"; return 0 ;;
    *:6432) echo "its port is 6432, PgBouncer's"; return 0 ;;
  esac
  return 1
}

fail() {
  if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::error::$*"; fi
  echo "writer-url: error: $*" >&2
  exit 1
}

case "${1:-}" in
  url)
    [ -n "$url" ] || fail "no database URL: set DIRECT_DATABASE_URL (or DATABASE_URL_UNPOOLED, or DATABASE_URL)"
    if reason="$(looks_pooled "$url")"; then
      echo "writer-url: warning: $name looks pooled ($reason): tools that write should use the direct URL (set DIRECT_DATABASE_URL, or Neon's DATABASE_URL_UNPOOLED)" >&2
    fi
    printf '%s\n' "$url"
    ;;
  check)
    [ -n "$url" ] || fail "no database URL for the tools that write: set the secret DIRECT_DATABASE_URL (the direct, unpooled URL; Neon: DATABASE_URL_UNPOOLED)"
    if reason="$(looks_pooled "$url")"; then
      fail "$name looks pooled ($reason) and is the only URL for the tools that write: set the secret DIRECT_DATABASE_URL (Neon: the connection string without -pooler, also known as DATABASE_URL_UNPOOLED); refusing to migrate, seed, maintain, purge or back up through a connection pooler"
    fi
    echo "writer-url: the tools that write use $name" >&2
    ;;
  name)
    [ -n "$name" ] || fail "no database URL: set DIRECT_DATABASE_URL (or DATABASE_URL_UNPOOLED, or DATABASE_URL)"
    echo "$name"
    ;;
  *)
    echo "usage: $0 url|check|name" >&2
    exit 2
    ;;
esac
