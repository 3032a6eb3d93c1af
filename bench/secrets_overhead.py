"""Benchmark: cost of the secret scanner riding along on `dockgate scan`.

1. Builds a vulnerability database from ../shared/osv-mirror (or --mirror) into a temp dir.
2. Times `dockgate scan IMAGE --scanners vuln,secret -f json` and `--scanners vuln -f json` on
   app-bookworm (or --image), both as fresh processes, best of --repeat runs alternated, and prints the
   ratio (target <= 1.3). The secret scanner is registered in the driver process (its
   ``register()`` is idempotent), so the figure holds whether or not the scan command
   registers it itself.
3. Also times `build_inventory` in-process with and without the SecretScanner visitor (the
   added cost of the scanner alone), best of --repeat.

Not a test. Run: .venv/bin/python bench/secrets_overhead.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DRIVER = (
    "import sys\n"
    "from dockgate.secrets.plugin import register\n"
    "register()\n"
    "from dockgate.cli import main\n"
    "raise SystemExit(main(sys.argv[1:]))\n"
)


def process_time(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{command} exited {completed.returncode}: {completed.stderr.decode()[-500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best_interleaved(first: list[str], second: list[str], repeat: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Best (wall, cpu) of each command, runs alternated so that load changes hit both alike."""
    best = [[float("inf"), float("inf")], [float("inf"), float("inf")]]
    for _ in range(repeat):
        for slot, command in enumerate((first, second)):
            wall, cpu = process_time(command)
            best[slot] = [min(best[slot][0], wall), min(best[slot][1], cpu)]
    return (best[0][0], best[0][1]), (best[1][0], best[1][1])


def best_inventory_time(image: str, with_secrets: bool, repeat: int) -> float:
    from dockgate.inventory import build_inventory
    from dockgate.secrets import SecretScanner, scan_image_config

    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        visitors = [SecretScanner()] if with_secrets else []
        inventory = build_inventory(image, visitors=visitors)
        if with_secrets:
            visitors[0].findings()
            scan_image_config(inventory.image.config)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default=str(SHARED / "images" / "app-bookworm.oci.tar"))
    parser.add_argument("--mirror", default=str(SHARED / "osv-mirror"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dockgate-bench-") as tmp:
        db = str(Path(tmp) / "vulndb.sqlite")
        subprocess.run([sys.executable, "-m", "dockgate", "db", "update", "--mirror", args.mirror, "--db", db], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = [sys.executable, "-c", DRIVER, "scan", args.image, "--db", db, "-f", "json", "-o", str(Path(tmp) / "out.json")]
        process_time(base + ["--scanners", "vuln"])  # warm the page cache
        vuln, both = best_interleaved(base + ["--scanners", "vuln"], base + ["--scanners", "vuln,secret"], args.repeat)
    plain = scanned = float("inf")
    for _ in range(args.repeat):
        plain = min(plain, best_inventory_time(args.image, False, 1))
        scanned = min(scanned, best_inventory_time(args.image, True, 1))
    print(f"dockgate scan --scanners vuln        : {vuln[0]:.3f} s wall, {vuln[1]:.3f} s CPU (best of {args.repeat})")
    print(f"dockgate scan --scanners vuln,secret : {both[0]:.3f} s wall, {both[1]:.3f} s CPU")
    print(f"ratio                                : {both[0] / vuln[0]:.2f} wall, {both[1] / vuln[1]:.2f} CPU (target <= 1.3)")
    print(f"build_inventory without / with SecretScanner: {plain:.3f} s / {scanned:.3f} s (ratio {scanned / plain:.2f})")
    return 0 if both[0] / vuln[0] <= 1.3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
