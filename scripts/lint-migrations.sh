#!/usr/bin/env bash
# Lint the rendered SQL of every migration (migration/sql/, `make migrations-sql`) with squawk,
# installed from PyPI into .local/tools on first use. Rules and their reasons: .squawk.toml.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/lint-tools.sh
. "$ROOT/scripts/lib/lint-tools.sh"
SQUAWK="$(pip_tool squawk squawk-cli 2.70.0 squawk)"
cd "$ROOT"
# Files of migrations that run outside a transaction say so in their header.
outside=$(grep -l '^-- Runs outside a transaction' migration/sql/*.sql || true)
inside=$(grep -L '^-- Runs outside a transaction' migration/sql/*.sql || true)
# A down drops what its up added: schemas, tables, types, functions, extensions, columns, constraints,
# and the NOT NULL its up set.
DOWN_EXCLUDES=ban-drop-schema,ban-drop-table,ban-drop-type,ban-drop-function,ban-drop-extension,ban-drop-column,ban-drop-constraint,ban-drop-not-null
lint() { # lint FLAGS FILES...: up and down files apart
  local flags="$1" ups downs
  shift
  ups=$(printf '%s\n' "$@" | grep '\.up\.sql$' || true)
  downs=$(printf '%s\n' "$@" | grep '\.down\.sql$' || true)
  # shellcheck disable=SC2086
  [ -z "$ups" ] || "$SQUAWK" --config .squawk.toml $flags $ups
  # shellcheck disable=SC2086
  [ -z "$downs" ] || "$SQUAWK" --config .squawk.toml $flags --exclude "$DOWN_EXCLUDES" $downs
}
# shellcheck disable=SC2086
lint "" $inside
# shellcheck disable=SC2086
lint "--no-assume-in-transaction" $outside
echo "squawk: $(find migration/sql -name '*.sql' | wc -l) files clean"
