# shellcheck shell=bash
# The lint tools from PyPI, installed on first use into .local/tools (or LINT_TOOLS_DIR): shared
# by scripts/lint-*.sh.

LINT_TOOLS="${LINT_TOOLS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.local/tools}"

# pip_tool DIR PACKAGE VERSION BIN: install PACKAGE==VERSION into $LINT_TOOLS/DIR unless its
# BIN is there already, then print the path of BIN.
pip_tool() {
  local dir="$LINT_TOOLS/$1"
  if [ ! -x "$dir/bin/$4" ]; then
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps \
      --target "$dir" "$2==$3" >&2
  fi
  printf '%s\n' "$dir/bin/$4"
}
