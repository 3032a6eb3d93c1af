"""Benchmark: build the vulnerability database from the whole mirror, divided by the time to
merely read and ``json.loads`` every record of it.

Baseline: for each ``<Ecosystem>/all.zip`` of the mirror, read every member and
``json.loads`` it (stdlib json, nothing kept). Build: `update_database` from the same local
mirror into a fresh file (zip checks, validation, SQLite insert, match index with every range
bound's version parsed, atomic rename), each run with cold caches.
Best of --repeat runs each, the two alternating; prints the ratio (target <= 2.0).

Not a test. Run: .venv/bin/python bench/db_build.py [--mirror ../shared/osv-mirror] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import zipfile
from pathlib import Path

from dockgate import versions
from dockgate.vulndb import UpdateOptions, matchindex, update_database
from dockgate.vulndb import build as build_module

REPO = Path(__file__).resolve().parent.parent


def load_everything(mirror: Path) -> int:
    count = 0
    for archive in sorted(mirror.glob("*/all.zip")):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if info.filename.endswith(".json"):
                    json.loads(zf.read(info))
                    count += 1
    return count


def _forget_caches() -> None:
    """Every build starts cold, as a real `db update` process does: no version keys, scores or
    range shapes remembered from the previous run."""
    versions._COMPARATORS.clear()
    build_module._scored.cache_clear()
    matchindex._compiled_shape.cache_clear()


def build(mirror: Path) -> dict[str, int]:
    _forget_caches()
    with tempfile.TemporaryDirectory() as tmp:
        return update_database(Path(tmp) / "vulndb.sqlite", UpdateOptions(mirror=str(mirror))).records


def _timed(function, argument) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = function(argument)
    return time.perf_counter() - started, value


def best_interleaved(mirror: Path, repeat: int) -> tuple[float, int, float, dict[str, int]]:
    """Best times of the baseline and the build, run alternately so a busy spell of the machine
    weighs on both sides alike."""
    load_best = build_best = float("inf")
    records: object = 0
    counts: object = {}
    for _ in range(repeat):
        elapsed, records = _timed(load_everything, mirror)
        load_best = min(load_best, elapsed)
        elapsed, counts = _timed(build, mirror)
        build_best = min(build_best, elapsed)
    return load_best, records, build_best, counts  # type: ignore[return-value]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default=str(REPO.parent / "shared" / "osv-mirror"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    mirror = Path(args.mirror)
    load_time, records, build_time, counts = best_interleaved(mirror, args.repeat)
    print(f"records read: {records}; stored per ecosystem: {counts}")
    print(f"json.loads every record: {load_time * 1000:.0f} ms, build database: {build_time * 1000:.0f} ms, ratio {build_time / load_time:.2f} (target <= 2.0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
