#!/usr/bin/env bash
# First README command: create .venv with dockgate and its pinned dependencies, then run the
# main job on the bundled example image (offline: the image is a file in this repository).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
echo "== dockgate sbom examples/images/hello.oci.tar" >&2
.venv/bin/dockgate sbom examples/images/hello.oci.tar
