# Shared set-up for scripts/demo and scripts/test: sourced, not run.
# Creates .venv when missing and installs the project (editable) with the given extras.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

ensure_venv() {
    local extras="${1:-}"
    if [ ! -x "$PY" ]; then
        echo "geodisparity: creating virtual environment in .venv" >&2
        python3 -m venv "$VENV"
        "$PY" -m pip install --quiet --upgrade pip
    fi
    local stamp="$VENV/.installed-${extras:-base}"
    local target="$ROOT"
    [ -n "$extras" ] && target="$ROOT[$extras]"
    # (re)install when the project's metadata or its C kernel changed since the last install
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ] \
        || [ "$ROOT/geodisparity/spatial/_vertex_kernel.c" -nt "$stamp" ]; then
        echo "geodisparity: installing the project into .venv (${extras:-base})" >&2
        "$PY" -m pip install --quiet --disable-pip-version-check -e "$target"
        touch "$stamp"
    fi
}
