"""Benchmark: `dockgate scan` of app-bookworm from a local registry vs from its OCI archive.

Starts Debian's docker-registry on 127.0.0.1 (random port), pushes the image with skopeo,
builds a vulnerability database from the shared OSV mirror, then times both scans side by
side (best of N) and prints registry/archive (target <= 1.3). Not a test.
Run: .venv/bin/python bench/registry_scan.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
SHARED = Path(os.environ.get("DOCKGATE_SHARED", REPO.parent / "shared"))
DOCKGATE = [sys.executable, "-m", "dockgate"]


def best_time(cmd: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed: {result.stderr.strip()}")
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from registry_fixtures import skopeo_copy, start_registry

    archive = SHARED / "images" / "app-bookworm.oci.tar"
    if not archive.is_file():
        print(f"needs {archive} (set DOCKGATE_SHARED)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "vulndb.sqlite"
        subprocess.run([*DOCKGATE, "db", "update", "--mirror", str(SHARED / "osv-mirror"), "--db", str(db)], check=True, stdout=subprocess.DEVNULL)
        registry = start_registry(work / "registry")
        try:
            pushed = skopeo_copy(f"oci-archive:{archive}", registry, "app", "1.0", work / "skopeo")
            common = ["--db", str(db), "-f", "json", "-o", os.devnull]
            from_archive = [*DOCKGATE, "scan", str(archive), *common]
            from_registry = [*DOCKGATE, "scan", pushed.reference, *common]
            best_time(from_archive, 1)
            best_time(from_registry, 1)
            t_archive = best_time(from_archive, args.runs)
            t_registry = best_time(from_registry, args.runs)
        finally:
            registry.stop()
    print(f"scan from OCI archive:     {t_archive:.3f}s")
    print(f"scan from local registry:  {t_registry:.3f}s")
    print(f"ratio registry/archive: {t_registry / t_archive:.2f} (target <= 1.3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
