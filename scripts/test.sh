#!/usr/bin/env bash
# Second README command: the whole test suite (installs the environment first if needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/python -m pytest "$@"
