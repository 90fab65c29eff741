#!/usr/bin/env bash
# Point-in-time recovery and a streaming read replica for the local server of
# scripts/local-pg.sh, with PostgreSQL's own tools (pg_basebackup, pg_verifybackup, the WAL
# archive that `local-pg.sh up` switches on, hot standby). Nothing here touches the primary's
# data directory.
#
# Usage: scripts/pg-ha.sh COMMAND
#
#   base-backup          base backup of the running primary: pg_basebackup (WAL streamed into it,
#                        SHA-256 manifest), checked by pg_verifybackup, kept as
#                        base-backups-<major>/<UTC stamp>.tar.gz with a .info file; the newest
#                        BACKUP_KEEP (2) are kept and archived WAL older than the oldest kept
#                        one is removed (pg_archivecleanup)
#   restore-point NAME   a named restore point on the primary (pg_create_restore_point)
#   restore-pitr         restore the newest base backup that ends before the target into a NEW
#                        data directory, replay the WAL archive up to the target and start it
#                        on a spare port (55436 up); prints its URL. The target is one of
#                        TIME="2026-12-03T10:00:00Z", LSN=0/3000060, NAME=before-deploy; none:
#                        the end of the archive
#   restore-down         stop and delete every restored server
#   replica-up           a hot standby of the primary (pg_basebackup -R, physical replication
#                        slot), port 55434 (16) or 55435 (18); writes DATABASE_READ_URL (owner)
#                        and DATABASE_APP_READ_URL (application login) to .env; prints its URL
#   replica-down         stop the standby, delete its data directory, drop its slot and the
#                        .env lines
#   replica-url          print the standby's owner URL
#
# Settings: those of scripts/local-pg.sh (PG_MAJOR, LOCAL_PG_DIR, LOCAL_PG_PORT, ...), plus
# LOCAL_PG_REPLICA_PORT, LOCAL_PG_RESTORE_PORT (first port tried) and BACKUP_KEEP.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/local-pg-common.sh
. "$ROOT/scripts/lib/local-pg-common.sh"
log() { echo "pg-ha: $*" >&2; }
die() { echo "pg-ha: error: $*" >&2; exit 1; }

export PGCONNECT_TIMEOUT=10

require_primary() {
  if ! { [ -x "$BIN/pg_ctl" ] && running; }; then
    die "the local PostgreSQL $PG_MAJOR is not running: start it with \`make db-up\`"
  fi
}

# Client tools as the superuser on the primary; the password through the environment only.
as_super() { PGPASSWORD="$(super_password)" "$@"; }

url_on() { printf 'postgres://postgres:%s@127.0.0.1:%s/%s' "$(super_password)" "$1" "$DB"; }
app_url_on() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$APP_LOGIN" "$(app_password)" "$1" "$DB"; }

# server_dir [-R] DIR: a folder the server's user owns (with everything in it: -R), mode 0700.
server_dir() {
  local recursive=()
  if [ "$1" = -R ]; then recursive=(-R); shift; fi
  mkdir -p "$1"
  if [ "$(id -u)" -eq 0 ]; then chown "${recursive[@]}" "$PG_USER" "$1"; fi
  chmod 700 "$1"
}

# An LSN "X/Y" as one decimal number, for comparisons.
lsn_number() {
  local hi="${1%/*}" lo="${1#*/}"
  echo $(((16#$hi << 32) + 16#$lo))
}

# info FILE KEY: a value of a backup's .info file (KEY=value lines; never sourced).
info() { sed -n "s/^$2=//p" "$1" | head -n 1; }

# Can a server listen on port $1? SO_REUSEADDR as PostgreSQL sets it: connections of a server
# that just stopped (TIME_WAIT) do not keep the port.
port_free() {
  python3 -c 'import socket,sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

# --- base backups ---------------------------------------------------------------------------

cmd_base_backup() {
  require_primary
  [ "$(psql_local -d postgres -tAc 'SHOW archive_mode')" = on ] \
    || die "WAL archiving is off on the local server, so a base backup could not be rolled \
forward: \`make db-up\` switches it on (LOCAL_PG_ARCHIVE=1 for a LOCAL_PG_FAST server)"
  local stamp tmp started took
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$BACKUPS"
  chmod 700 "$BACKUPS"
  tmp="$BACKUPS/.$stamp.partial"
  rm -rf "$tmp"
  started="$(date +%s%N)"
  as_super "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$tmp" -Fp -X stream \
    --checkpoint=fast --manifest-checksums=SHA256 -l "neonhub $stamp" \
    || { rm -rf "$tmp"; die "pg_basebackup failed (see above)"; }
  "$BIN/pg_verifybackup" -q "$tmp" \
    || { rm -rf "$tmp"; die "pg_verifybackup found the backup damaged; nothing kept"; }
  local start_lsn end_lsn start_time end_time
  read -r start_lsn end_lsn < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["WAL-Ranges"]
print(r[0]["Start-LSN"], r[-1]["End-LSN"])' "$tmp/backup_manifest")
  start_time="$(sed -n 's/^START TIME: //p' "$tmp/backup_label")"
  # The backup is consistent once pg_basebackup has returned: a restore can reach any later time.
  end_time="$(date -u '+%Y-%m-%d %H:%M:%S.%6N UTC')"
  tar -C "$tmp" -cf - . | gzip -1 > "$BACKUPS/$stamp.tar.gz.part"
  mv "$BACKUPS/$stamp.tar.gz.part" "$BACKUPS/$stamp.tar.gz"
  {
    echo "start_time=$start_time"
    echo "end_time=$end_time"
    echo "end_epoch=$(date -u -d "${end_time% UTC}Z" +%s.%6N)"
    echo "start_lsn=$start_lsn"
    echo "end_lsn=$end_lsn"
    echo "start_wal=$(sed -n 's/^START WAL LOCATION: .*(file \(.*\))$/\1/p' "$tmp/backup_label")"
    echo "bytes=$(du -sb "$tmp" | cut -f1)"
    echo "sha256=$(sha256sum "$BACKUPS/$stamp.tar.gz" | cut -d' ' -f1)"
  } > "$BACKUPS/$stamp.info"
  rm -rf "$tmp"
  took=$((($(date +%s%N) - started) / 1000000))
  prune_backups
  echo "base backup $BACKUPS/$stamp.tar.gz: $(info "$BACKUPS/$stamp.info" bytes) bytes, \
$(stat -c %s "$BACKUPS/$stamp.tar.gz") compressed, verified, WAL $start_lsn..$end_lsn, ${took} ms"
}

# Keep the newest BACKUP_KEEP backups and the archived WAL they need.
prune_backups() {
  local keep="${BACKUP_KEEP:-2}" old oldest
  [ "$keep" -ge 1 ] || die "BACKUP_KEEP must be at least 1"
  while read -r old; do
    [ -n "$old" ] || continue
    rm -f "$old" "${old%.tar.gz}.info"
    log "removed the old base backup $old"
  done < <(find "$BACKUPS" -maxdepth 1 -name '*.tar.gz' | sort -r | tail -n +"$((keep + 1))")
  oldest="$(find "$BACKUPS" -maxdepth 1 -name '*.info' | sort | head -n 1)"
  if [ -n "$oldest" ] && [ -d "$ARCHIVE" ]; then
    as_pg "$BIN/pg_archivecleanup" "$ARCHIVE" "$(info "$oldest" start_wal)"
  fi
}

# --- restore points -------------------------------------------------------------------------

cmd_restore_point() {
  local name="${1:-${NAME:-}}" lsn
  [ -n "$name" ] || die "name the restore point: scripts/pg-ha.sh restore-point before-deploy (make restore-point NAME=...)"
  require_primary
  lsn="$(psql_local -d postgres -tAc "SELECT pg_create_restore_point('$(printf '%s' "$name" | sed "s/'/''/g")')")"
  mkdir -p "$BACKUPS"
  printf '%s\t%s\t%s\n' "$name" "$lsn" "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" >> "$BACKUPS/restore-points"
  echo "restore point '$name' at $lsn"
}

# --- point-in-time restore ------------------------------------------------------------------

# The newest base backup usable for the target: it must have ended before it. A restore point
# this script did not record (created by SQL elsewhere) has no known LSN: the oldest backup.
choose_backup() {
  local kind="$1" target="$2" info_file best="" point_lsn=""
  if [ "$kind" = name ]; then
    point_lsn="$(awk -F'\t' -v n="$target" '$1 == n { l = $2 } END { print l }' \
      "$BACKUPS/restore-points" 2>/dev/null || true)"
  fi
  while read -r info_file; do
    [ -n "$info_file" ] || continue
    case "$kind" in
      time) python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' \
              "$(info "$info_file" end_epoch)" "$(date -u -d "$target" +%s.%6N)" || continue ;;
      lsn) [ "$(lsn_number "$(info "$info_file" end_lsn)")" -le "$(lsn_number "$target")" ] || continue ;;
      name) if [ -z "$point_lsn" ]; then printf '%s' "$info_file"; return; fi
            [ "$(lsn_number "$(info "$info_file" end_lsn)")" -le "$(lsn_number "$point_lsn")" ] || continue ;;
    esac
    best="$info_file"
  done < <(find "$BACKUPS" -maxdepth 1 -name '*.info' | sort)
  printf '%s' "$best"
}

# Why a restored server stopped, from its log.
restore_failed() {
  local logfile="$1" mode_text="$2" last
  if grep -q "recovery ended before configured recovery target was reached" "$logfile"; then
    last="$(find "$ARCHIVE" -maxdepth 1 -name '0*' ! -name '*.part' | sort | tail -n 1)"
    die "the WAL archive ends before $mode_text (its last segment is ${last##*/}, last \
transaction $(sed -n 's/.*last completed transaction was at log time //p' "$logfile" | tail -n 1)): \
the target is later than anything archived, or names no point of this server"
  elif grep -q "before consistent recovery point" "$logfile"; then
    die "$mode_text is before the base backup ended"
  fi
  die "the restored server stopped; last lines of $logfile:
$(tail -n 15 "$logfile")"
}

cmd_restore_pitr() {
  local kind="" target="" set=0
  [ -n "${TIME:-}" ] && { kind="time"; target="$TIME"; set=$((set + 1)); }
  [ -n "${LSN:-}" ] && { kind=lsn; target="$LSN"; set=$((set + 1)); }
  [ -n "${NAME:-}" ] && { kind=name; target="$NAME"; set=$((set + 1)); }
  [ "$set" -le 1 ] || die "give one target: TIME=, LSN= or NAME="
  if [ "$kind" = time ]; then
    date -u -d "$target" >/dev/null 2>&1 \
      || die "TIME='$target' is not a time: write it like 2026-12-03T10:00:00Z"
  fi
  if [ "$kind" = lsn ] && ! printf '%s' "$target" | grep -Eq '^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$'; then
    die "LSN='$target' is not an LSN: write it like 0/3000060"
  fi
  ls "$BACKUPS"/*.info >/dev/null 2>&1 \
    || die "there is no base backup in $BACKUPS: take one with \`make backup-base\`"

  # The newest writes are in the current WAL segment: have the primary close and archive it.
  if [ -x "$BIN/pg_ctl" ] && running; then
    local seg waited=0
    seg="$(psql_local -d postgres -tAc "SELECT pg_walfile_name(pg_switch_wal())")"
    until [ -f "$ARCHIVE/$seg" ] || [ "$waited" -ge 30 ]; do sleep 0.2; waited=$((waited + 1)); done
  fi

  local backup="" mode_text
  case "$kind" in
    time) backup="$(choose_backup time "$target")"; mode_text="time $target" ;;
    lsn) backup="$(choose_backup lsn "$target")"; mode_text="LSN $target" ;;
    name) backup="$(choose_backup name "$target")"; mode_text="restore point '$target'" ;;
    *) backup="$(find "$BACKUPS" -maxdepth 1 -name '*.info' | sort | tail -n 1)"; mode_text="the end of the WAL archive" ;;
  esac
  if [ -z "$backup" ]; then
    local oldest
    oldest="$(find "$BACKUPS" -maxdepth 1 -name '*.info' | sort | head -n 1)"
    die "no base backup ends before $mode_text: the oldest one ($(basename "${oldest%.info}")) \
ended at $(info "$oldest" end_time) (LSN $(info "$oldest" end_lsn)); a point-in-time restore \
reaches only points after a base backup ended"
  fi

  local port="${LOCAL_PG_RESTORE_PORT:-$((DEFAULT_PORT + 4))}" last
  last=$((port + 20))
  until port_free "$port"; do
    port=$((port + 1))
    [ "$port" -le "$last" ] || die "no free port for the restored server up to $last: set LOCAL_PG_RESTORE_PORT"
  done
  local started dir run logfile
  started="$(date +%s%N)"
  server_dir "$RESTORES"
  dir="$RESTORES/$(date -u +%Y%m%dT%H%M%SZ)-$port"
  run="$dir.run"
  logfile="$dir.log"
  mkdir -p "$dir"
  # A failed restore leaves nothing behind.
  RESTORE_DIR="$dir" RESTORE_RUN="$run"
  trap 'as_pg "$BIN/pg_ctl" -D "$RESTORE_DIR" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$RESTORE_DIR" "$RESTORE_RUN"' EXIT
  tar -C "$dir" -xzf "${backup%.info}.tar.gz"
  "$BIN/pg_verifybackup" -q "$dir" \
    || { rm -rf "$dir"; die "the base backup ${backup%.info}.tar.gz is damaged (pg_verifybackup)"; }
  rm -f "$dir/backup_manifest"
  server_dir -R "$dir"
  server_dir "$run"
  touch "$logfile"
  if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER" "$logfile"; fi
  local target_line=""
  case "$kind" in
    time) target_line="recovery_target_time = '$(date -u -d "$target" '+%Y-%m-%d %H:%M:%S.%6N+00')'" ;;
    lsn) target_line="recovery_target_lsn = '$target'" ;;
    name) target_line="recovery_target_name = '$(printf '%s' "$target" | sed "s/'/''/g")'" ;;
  esac
  as_pg tee -a "$dir/postgresql.conf" >/dev/null <<CONF

# --- NeonHub point-in-time restore (scripts/pg-ha.sh) ---
port = $port
unix_socket_directories = '$run'
archive_mode = off
restore_command = 'cp "$ARCHIVE/%f" "%p"'
$target_line
recovery_target_action = 'promote'
CONF
  as_pg touch "$dir/recovery.signal"
  log "restoring $(basename "${backup%.info}") to $mode_text into $dir (port $port)"
  # pg_ctl returns once the server accepts connections (a hot standby does, mid-recovery); the
  # restore is done when it has been promoted at the target, or failed when the server stopped.
  as_pg "$BIN/pg_ctl" -D "$dir" -l "$logfile" -w -t "$TIMEOUT" start >/dev/null 2>&1 || true
  local waited=0
  until [ "$(PSQL_PORT=$port psql_local -d postgres -tAc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
    as_pg "$BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1 || restore_failed "$logfile" "$mode_text"
    waited=$((waited + 1))
    [ "$waited" -lt $((TIMEOUT * 5)) ] || die "the restored server did not finish recovery in ${TIMEOUT}s; see $logfile"
    sleep 0.2
  done
  trap - EXIT
  log "restored in $((($(date +%s%N) - started) / 1000000)) ms ($(info "$backup" bytes) bytes of base backup + archived WAL); the primary was not touched"
  url_on "$port"
  echo
}

cmd_restore_down() {
  local dir
  [ -d "$RESTORES" ] || return 0
  for dir in "$RESTORES"/*/; do
    [ -d "$dir" ] || continue
    dir="${dir%/}"
    case "$dir" in *.run) continue ;; esac
    if [ -f "$dir/postmaster.pid" ]; then
      as_pg "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    fi
    log "removed the restored server ${dir##*/}"
  done
  rm -rf "$RESTORES"
}

# --- read replica ---------------------------------------------------------------------------

replica_running() {
  [ -f "$REPLICA_DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$REPLICA_DATA" status >/dev/null 2>&1
}

cmd_replica_up() {
  require_primary
  if replica_running; then
    log "the replica of PostgreSQL $PG_MAJOR already runs on 127.0.0.1:$REPLICA_PORT"
  else
    if [ ! -f "$REPLICA_DATA/standby.signal" ]; then
      rm -rf "$REPLICA_DATA"
      # A slot keeps the WAL the standby still needs on the primary; a leftover of a replica
      # removed by hand is dropped first.
      psql_local -d postgres -tAc "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots \
WHERE slot_name = '$REPLICA_SLOT' AND NOT active" >/dev/null
      log "cloning the primary (127.0.0.1:$PORT) into $REPLICA_DATA"
      as_super "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$REPLICA_DATA" -Fp \
        -X stream --checkpoint=fast -R -C -S "$REPLICA_SLOT" \
        || { rm -rf "$REPLICA_DATA"; die "pg_basebackup of the primary failed (see above)"; }
      server_dir -R "$REPLICA_DATA"
      server_dir "$REPLICA_RUN"
      as_pg tee -a "$REPLICA_DATA/postgresql.conf" >/dev/null <<CONF

# --- NeonHub read replica (scripts/pg-ha.sh) ---
port = $REPLICA_PORT
unix_socket_directories = '$REPLICA_RUN'
archive_mode = off
hot_standby = on
# Long reads on the replica do not get cancelled by the primary's vacuum.
hot_standby_feedback = on
CONF
    fi
    touch "$REPLICA_LOG"
    if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER" "$REPLICA_LOG"; fi
    as_pg "$BIN/pg_ctl" -D "$REPLICA_DATA" -l "$REPLICA_LOG" -w -t "$TIMEOUT" start >/dev/null \
      || { tail -n 20 "$REPLICA_LOG" >&2; die "the replica did not start (log $REPLICA_LOG)"; }
  fi
  wait_ready "$REPLICA_PORT" "$REPLICA_LOG"
  env_set DATABASE_READ_URL "$(url_on "$REPLICA_PORT")" "$REPLICA_PORT"
  env_set DATABASE_APP_READ_URL "$(app_url_on "$REPLICA_PORT")" "$REPLICA_PORT"
  log "replica ready: $(redact "$(url_on "$REPLICA_PORT")") (hot standby of port $PORT)"
  url_on "$REPLICA_PORT"
  echo
}

cmd_replica_down() {
  if [ -x "$BIN/pg_ctl" ] && replica_running; then
    as_pg "$BIN/pg_ctl" -D "$REPLICA_DATA" -m fast -w stop >/dev/null
  fi
  rm -rf "$REPLICA_DATA" "$REPLICA_RUN" "$REPLICA_LOG"
  if [ -x "$BIN/pg_ctl" ] && running; then
    psql_local -d postgres -tAc "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots \
WHERE slot_name = '$REPLICA_SLOT'" >/dev/null || true
  fi
  env_unset DATABASE_READ_URL "$REPLICA_PORT"
  env_unset DATABASE_APP_READ_URL "$REPLICA_PORT"
  log "the replica of PostgreSQL $PG_MAJOR is gone"
}

case "${1:-}" in
  base-backup) cmd_base_backup ;;
  restore-point) shift; cmd_restore_point "$@" ;;
  restore-pitr) cmd_restore_pitr ;;
  restore-down) cmd_restore_down ;;
  replica-up) cmd_replica_up ;;
  replica-down) cmd_replica_down ;;
  replica-url) url_on "$REPLICA_PORT"; echo ;;
  *) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
