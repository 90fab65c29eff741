#!/usr/bin/env bash
# Back up and restore the database named by DIRECT_DATABASE_URL, else DATABASE_URL_UNPOOLED, else
# DATABASE_URL (environment or .env): scripts/writer-url.sh.
#
# Usage:
#   scripts/db-backup.sh backup              write $BACKUP_DIR/<db>-<UTC timestamp>.dump (pg_dump -Fc)
#   scripts/db-backup.sh restore FILE        restore FILE into the database (asks first; YES=1 skips)
#   scripts/db-backup.sh check FILE          is FILE a readable custom-format dump?
#   scripts/db-backup.sh encrypt FILE        encrypt FILE with age to BACKUP_AGE_RECIPIENT
#
# Dumps are written 0600 into a 0700 folder, and encrypted (FILE.age, the plaintext removed)
# when BACKUP_AGE_RECIPIENT (an age public key) is set; `restore FILE.age` decrypts with the
# identity file BACKUP_AGE_IDENTITY. The encryption is the age CLI when it is installed, else
# the workspace's own `neonhub-age` (crate backup; the same file format, built by cargo on first
# use); BACKUP_AGE_BIN names a neonhub-age binary to use instead of either. The password reaches
# pg_dump and pg_restore through PGPASSWORD, never on their command line.
#
# pg_dump/pg_restore must match the server's major version: for the local default server the
# wheel's own tools are used; otherwise the ones on PATH if they are new enough, else the
# wheel's tools of the server's major (16 or 18).
set -euo pipefail
# Dumps hold every tenant's data: files 0600, folders 0700.
umask 077

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BACKUP_DIR="${BACKUP_DIR:-$ROOT/backups}"

die() { echo "db-backup: error: $*" >&2; exit 1; }
log() { echo "db-backup: $*" >&2; }
# shellcheck source=scripts/lib/pg-url.sh
. "$ROOT/scripts/lib/pg-url.sh"

# A backup or a restore writes: the direct URL (DIRECT_DATABASE_URL, else DATABASE_URL_UNPOOLED,
# else DATABASE_URL), as the NeonHub binaries choose it; a pooled-looking one is warned about.
url="$("$ROOT/scripts/writer-url.sh" url)" \
  || die "DATABASE_URL is not set: export it (or DIRECT_DATABASE_URL) or run \`make db-up\`"
# The connection goes to the tools through libpq's environment (PGPASSWORD among it), never as
# an argument: arguments are visible to every user of the machine in `ps`.
export_libpq_env "$url"
db_name="$PGDATABASE"

# The client tools: the wheel's for the server's major, unless PATH has new enough ones.
wheel_bin() { PG_MAJOR="$1" "$ROOT/scripts/local-pg.sh" bin-dir 2>/dev/null; }
psql_any="$(wheel_bin 16)/psql"
server_major="$("$psql_any" -X -q -tA -c 'SHOW server_version_num' 2>/dev/null | cut -c1-2)" \
  || die "cannot connect to $(redact "$url"): is the server running (\`make db-up\`)?"
[ -n "$server_major" ] || die "cannot read the server version of $(redact "$url")"
tool() {
  local name="$1" path_major
  if command -v "$name" >/dev/null 2>&1; then
    path_major="$("$name" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
    if [ "$path_major" = "$server_major" ]; then
      command -v "$name"; return
    fi
  fi
  case "$server_major" in
    16|18) echo "$(wheel_bin "$server_major")/$name" ;;
    *) die "no $name for PostgreSQL $server_major: install the client tools of that major version" ;;
  esac
}

PG_DUMP="$(tool pg_dump)" || exit 1
PG_RESTORE="$(tool pg_restore)" || exit 1

check_dump() {
  local file="$1"
  [ -s "$file" ] || die "$file is missing or empty"
  "$PG_RESTORE" --list "$file" >/dev/null 2>&1 \
    || die "$file is not a valid pg_dump custom-format archive (pg_restore --list cannot read it)"
}

# age (https://age-encryption.org): authenticated encryption to a public key; the private key
# (identity) is needed only to restore, and never sits next to the backups. Two programs speak
# the format: the age CLI (preferred when installed: the reference tool, nothing to build) and
# the workspace's neonhub-age (crate backup, the age crate), so that a machine with Rust and no
# age can encrypt and restore; files of either decrypt with the other. Identities are passed as
# file paths only.
AGE_KIND="" AGE=()
find_age() {
  [ -z "$AGE_KIND" ] || return 0
  if [ -n "${BACKUP_AGE_BIN:-}" ]; then
    [ -x "$BACKUP_AGE_BIN" ] || die "BACKUP_AGE_BIN=$BACKUP_AGE_BIN is not an executable"
    AGE_KIND=neonhub AGE=("$BACKUP_AGE_BIN")
  elif command -v age >/dev/null 2>&1; then
    AGE_KIND=cli AGE=(age)
  elif command -v cargo >/dev/null 2>&1; then
    log "the age CLI is not installed: using neonhub-age (cargo builds it on first use)"
    AGE_KIND=neonhub
    AGE=(cargo run --quiet --locked --manifest-path "$ROOT/Cargo.toml" -p backup --bin neonhub-age --)
  else
    die "no age encryption: install the age CLI (apt-get install age) or Rust (cargo builds neonhub-age), or set BACKUP_AGE_BIN"
  fi
}
encrypt() {
  local plain="$1"
  [ -n "${BACKUP_AGE_RECIPIENT:-}" ] || die "BACKUP_AGE_RECIPIENT (an age public key, age1...) is not set"
  find_age
  if [ "$AGE_KIND" = cli ]; then
    "${AGE[@]}" --encrypt --recipient "$BACKUP_AGE_RECIPIENT" --output "$plain.age" "$plain"
  else
    "${AGE[@]}" encrypt --recipient "$BACKUP_AGE_RECIPIENT" --output "$plain.age" "$plain" >/dev/null
  fi || die "age could not encrypt $plain"
  chmod 0600 "$plain.age"
  rm -f "$plain"
  log "encrypted to $plain.age (the plaintext dump is removed)"
  echo "$plain.age"
}
decrypt() {
  local sealed="$1" plain
  [ -n "${BACKUP_AGE_IDENTITY:-}" ] || die "$sealed is encrypted: set BACKUP_AGE_IDENTITY to the age identity (private key) file"
  find_age
  plain="$(mktemp "${TMPDIR:-/tmp}/neonhub-restore.XXXXXX")"
  if [ "$AGE_KIND" = cli ]; then
    "${AGE[@]}" --decrypt --identity "$BACKUP_AGE_IDENTITY" --output "$plain" "$sealed"
  else
    "${AGE[@]}" decrypt --identity "$BACKUP_AGE_IDENTITY" --output "$plain" "$sealed" >/dev/null
  fi || { rm -f "$plain"; die "age could not decrypt $sealed (wrong identity, or the file was altered)"; }
  echo "$plain"
}

case "${1:-}" in
  backup)
    mkdir -p "$BACKUP_DIR"
    chmod 0700 "$BACKUP_DIR"
    file="$BACKUP_DIR/${db_name}-$(date -u +%Y%m%dT%H%M%SZ).dump"
    "$PG_DUMP" --format=custom --no-owner --file="$file"
    chmod 0600 "$file"
    check_dump "$file"
    log "wrote $file ($(wc -c < "$file") bytes) from $(redact "$url")"
    if [ -n "${BACKUP_AGE_RECIPIENT:-}" ]; then
      file="$(encrypt "$file")"
    fi
    echo "$file"
    ;;
  encrypt)
    [ -n "${2:-}" ] || die "usage: $0 encrypt FILE (BACKUP_AGE_RECIPIENT=age1...)"
    check_dump "$2"
    encrypt "$2"
    ;;
  restore)
    file="${2:-}"
    [ -n "$file" ] || die "usage: $0 restore FILE (or make restore FILE=...)"
    if [ "${file%.age}" != "$file" ]; then
      file="$(decrypt "$file")"
      trap 'rm -f "$file"' EXIT
    fi
    check_dump "$file"
    if [ "${YES:-0}" != 1 ]; then
      [ -t 0 ] || die "restoring replaces the objects in $(redact "$url"); confirm with YES=1"
      read -r -p "Restore $file into $(redact "$url")? Objects in the dump are dropped and recreated. [y/N] " answer
      case "$answer" in y|Y|yes) ;; *) die "restore cancelled" ;; esac
    fi
    "$PG_RESTORE" --clean --if-exists --no-owner --exit-on-error --dbname="$PGDATABASE" "$file"
    log "restored $file into $(redact "$url")"
    ;;
  check)
    check_dump "${2:-}"
    log "${2} is a valid dump"
    ;;
  *) sed -n '2,/^set -euo pipefail$/{/^set /!p}' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
