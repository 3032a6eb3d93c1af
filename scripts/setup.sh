#!/usr/bin/env bash
# First README command: create .venv with dockgate and its pinned dependencies, then run the
# main job on the bundled example, offline (everything it reads is in this repository):
#   1. inventory the example image (SBOM),
#   2. build a small vulnerability database from the bundled OSV records and scan the image
#      for vulnerabilities and secrets,
#   3. run the policy gate on the motivating Go example (fails, with reasons) and on its
#      hardened version (passes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
dg=.venv/bin/dockgate
db=.venv/example-vulndb.sqlite

echo "== dockgate sbom examples/images/hello.oci.tar" >&2
$dg sbom examples/images/hello.oci.tar

echo "== dockgate db update --mirror examples/osv (bundled records, offline)" >&2
$dg db update --mirror examples/osv --db "$db"

echo "== dockgate scan examples/images/hello.oci.tar" >&2
status=0
$dg scan examples/images/hello.oci.tar --db "$db" || status=$?
[ "$status" -eq 1 ] || { echo "expected findings (exit 1) from the example scan, got $status" >&2; exit 1; }

for example in go-hello go-hello-hardened; do
    echo "== dockgate gate on examples/$example" >&2
    status=0
    $dg gate --policy "examples/$example/policy.yaml" --dockerfile "examples/$example/Dockerfile" \
        --manifests "examples/$example/deployment.yaml" || status=$?
    expected=1; [ "$example" = go-hello-hardened ] && expected=0
    [ "$status" -eq "$expected" ] || { echo "gate on $example exited $status, expected $expected" >&2; exit 1; }
done
echo "setup done: .venv/bin/dockgate is ready" >&2
