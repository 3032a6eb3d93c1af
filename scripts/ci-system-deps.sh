#!/usr/bin/env bash
# System packages the tests start for real (called by .ci/run when present):
#   docker-registry  the CNCF distribution registry (Debian's package), started on 127.0.0.1
#   skopeo           pushes the fixture images into it
#   apache2-utils    htpasswd -B (bcrypt) for the registry's Basic auth
# Idempotent: returns at once when every tool is there; otherwise one apt-get install.
set -euo pipefail

declare -A PACKAGE_OF=([docker-registry]=docker-registry [skopeo]=skopeo [htpasswd]=apache2-utils)

missing=()
for tool in "${!PACKAGE_OF[@]}"; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/bin/$tool" ]; then
        missing+=("${PACKAGE_OF[$tool]}")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
echo "ci-system-deps: installing ${missing[*]}" >&2
# try with the package lists already present first (fast, and works when apt-get update
# cannot verify signatures); refresh them and retry only if that fails
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
    $SUDO apt-get update -q >/dev/null || echo "ci-system-deps: apt-get update reported errors; trying anyway" >&2
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
