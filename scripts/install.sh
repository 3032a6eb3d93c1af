#!/usr/bin/env bash
# Create or refresh .venv with dockgate (editable) and its pinned test dependencies.
# Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
stamp=.venv/.dockgate-installed
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
    touch "$stamp"
fi
# An editable install is not byte-compiled by pip, and PYTHONDONTWRITEBYTECODE (set on some CI
# machines) would make every run recompile every module it imports: compile once here (quiet,
# only what changed since the last run).
.venv/bin/python -m compileall -q src/dockgate >/dev/null
