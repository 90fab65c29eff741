#!/usr/bin/env bash
# PgBouncer for the tests and benchmarks that put a transaction pooler in front of PostgreSQL
# (testkit::pgbouncer, scripts/bench-pooler.sh): Debian's package, as Debian ships it (1.18 on
# bookworm: no prepared-statement support, as older and many hosted poolers).
#
# Usage: scripts/pgbouncer.sh bin
#
#   bin   print the path of a pgbouncer program to run, getting it first when needed, in this
#         order:
#           1. `pgbouncer` on PATH, else Debian's /usr/sbin/pgbouncer;
#           2. as root: `apt-get install -y pgbouncer` (after `apt-get update` when apt knows
#              no such package);
#           3. as any other user: `apt-get download` of pgbouncer and the libraries it links
#              that this machine lacks, unpacked with `dpkg -x` into LOCAL_PGBOUNCER_DIR
#              (default .local/pgbouncer in the project) and run through a wrapper there that
#              sets LD_LIBRARY_PATH. When apt's package lists are empty (a container that never
#              ran `apt-get update`), private lists are fetched into that folder first.
#         Fails, naming what to install, when none of these works (no apt-get: install
#         PgBouncer with the system's package manager and put it on PATH).
#
# NEONHUB_PGBOUNCER=path|install|download uses only that way (to test each of them).
# The program is never run as root: callers pass `-u <user>` when they are root.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${LOCAL_PGBOUNCER_DIR:-$ROOT/.local/pgbouncer}"
WAY="${NEONHUB_PGBOUNCER:-}"

log() { echo "pgbouncer.sh: $*" >&2; }
die() { echo "pgbouncer.sh: error: $*" >&2; exit 1; }

HOW_TO_INSTALL="install PgBouncer (Debian/Ubuntu: sudo apt-get install pgbouncer; elsewhere the \
system's package) so that \`pgbouncer\` is on PATH"

from_path() {
  local found
  found="$(command -v pgbouncer 2>/dev/null || true)"
  if [ -z "$found" ] && [ -x /usr/sbin/pgbouncer ]; then found=/usr/sbin/pgbouncer; fi
  [ -n "$found" ] && echo "$found"
}

install_as_root() {
  command -v apt-get >/dev/null 2>&1 || return 1
  log "installing Debian's pgbouncer (apt-get install -y pgbouncer)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show pgbouncer >/dev/null 2>&1; then
    apt-get update -qq >&2 || return 1
  fi
  apt-get install -y -qq --no-install-recommends pgbouncer >&2 || return 1
  from_path
}

# The wrapper of an unpacked package: the program with the unpacked libraries first.
wrapper() {
  local arch="$1"
  cat <<SH
#!/bin/sh
# Debian's pgbouncer unpacked by scripts/pgbouncer.sh (apt-get download + dpkg -x).
LD_LIBRARY_PATH="$DIR/root/usr/lib/$arch:$DIR/root/lib/$arch\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "$DIR/root/usr/sbin/pgbouncer" "\$@"
SH
}

# apt's options: none, or the package lists of this folder (fetched without root) when the
# system's are empty.
APT_OPTIONS=()
use_private_lists() {
  mkdir -p "$DIR/apt/lists/partial" "$DIR/apt/cache/archives/partial"
  APT_OPTIONS=(-o "Dir::State::Lists=$DIR/apt/lists" -o "Dir::Cache=$DIR/apt/cache"
    -o Debug::NoLocking=1)
}

# fetch_debs FOLDER: pgbouncer and the libraries it depends on (never libc6: a libc of another
# version than the system's loader breaks every program), as .deb files into FOLDER.
fetch_debs() {
  local packages=(pgbouncer) dep
  while read -r dep; do
    case "$dep" in lib*) [ "$dep" = libc6 ] || packages+=("$dep") ;; esac
  done < <(apt-cache "${APT_OPTIONS[@]}" depends --no-recommends --no-suggests --no-enhances pgbouncer 2>/dev/null \
    | sed -n 's/^ *Depends: *//p' | tr -d '<>')
  log "downloading ${packages[*]} (apt-get download) into $DIR"
  rm -f "$1"/*.deb
  (cd "$1" && apt-get "${APT_OPTIONS[@]}" download "${packages[@]}" >&2)
}

download() {
  command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 || return 1
  if [ -x "$DIR/bin/pgbouncer" ] && "$DIR/bin/pgbouncer" --version >/dev/null 2>&1; then
    echo "$DIR/bin/pgbouncer"
    return 0
  fi
  local arch tmp
  arch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")"
  mkdir -p "$DIR"
  chmod 0755 "$DIR"
  tmp="$(mktemp -d "$DIR/.partial.XXXXXX")"
  if ! fetch_debs "$tmp"; then
    # The system's package lists may be empty or stale (a container that never ran apt-get
    # update): the same with lists of our own, fetched without root.
    log "apt-get download failed with the system's package lists: fetching lists into $DIR/apt"
    use_private_lists
    if ! apt-get "${APT_OPTIONS[@]}" update -qq >&2 || ! fetch_debs "$tmp"; then
      rm -rf "$tmp"
      return 1
    fi
  fi
  mkdir -p "$tmp/root"
  local deb
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/root"; done
  rm -f "$tmp"/*.deb
  [ -x "$tmp/root/usr/sbin/pgbouncer" ] || { rm -rf "$tmp"; return 1; }
  rm -rf "$DIR/root"
  mv "$tmp/root" "$DIR/root"
  rm -rf "$tmp"
  mkdir -p "$DIR/bin"
  wrapper "$arch" > "$DIR/bin/pgbouncer"
  chmod 0755 "$DIR/bin/pgbouncer"
  "$DIR/bin/pgbouncer" --version >/dev/null 2>&1 || {
    log "the unpacked pgbouncer does not run:"
    "$DIR/bin/pgbouncer" --version >&2 || true
    return 1
  }
  echo "$DIR/bin/pgbouncer"
}

cmd_bin() {
  local found=""
  case "$WAY" in
    path) found="$(from_path)" || die "no pgbouncer on PATH nor /usr/sbin/pgbouncer: $HOW_TO_INSTALL" ;;
    install)
      [ "$(id -u)" -eq 0 ] || die "NEONHUB_PGBOUNCER=install needs root"
      found="$(install_as_root)" || die "apt-get install pgbouncer failed: $HOW_TO_INSTALL" ;;
    download) found="$(download)" || die "apt-get download + dpkg -x of pgbouncer failed (see above): $HOW_TO_INSTALL" ;;
    "")
      found="$(from_path)" \
        || { [ "$(id -u)" -eq 0 ] && found="$(install_as_root)"; } \
        || found="$(download)" \
        || die "no PgBouncer: not on PATH, $( [ "$(id -u)" -eq 0 ] && echo "apt-get install failed" || echo "not root, so no apt-get install" ), and apt-get download failed or apt-get is missing: $HOW_TO_INSTALL" ;;
    *) die "NEONHUB_PGBOUNCER=$WAY: use path, install or download" ;;
  esac
  echo "$found"
}

case "${1:-}" in
  bin) cmd_bin ;;
  *) sed -n '2,/^set -euo pipefail$/{/^set /!p}' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
