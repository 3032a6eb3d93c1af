"""Benchmark: `dockgate sbom` against plain `gzip -dc` of the same layer blobs, and peak memory.

Prints, measured side by side in one run (best of N):
  - wall time of `dockgate sbom app-bookworm.oci.tar` / wall time of `gzip -dc` over its layer
    blobs (target <= 1.0);
  - peak RSS of `dockgate sbom` on that image and on a synthetic image ten times larger
    (ten prefixed copies of every layer), and their ratio (target <= 1.3).
Not a test: the machine is noisy. Run: .venv/bin/python bench/sbom_image.py [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from isal import igzip

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DOCKGATE_SHARED", REPO.parent / "shared"))
IMAGE = SHARED / "images" / "app-bookworm.oci.tar"
DOCKGATE = [sys.executable, "-m", "dockgate"]


def best_time(cmd: list[str], runs: int, **kwargs) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best


def peak_rss_kib(cmd: list[str]) -> int:
    probe = "import resource,subprocess,sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", probe, *cmd], check=True, capture_output=True, text=True)
    return int(out.stdout.strip())


def layer_blobs(archive: Path, into: Path) -> list[Path]:
    with tarfile.open(archive) as tar:
        index = json.load(tar.extractfile("index.json"))
        manifest_digest = index["manifests"][0]["digest"].split(":")[1]
        manifest = json.load(tar.extractfile(f"blobs/sha256/{manifest_digest}"))
        paths = []
        for layer in manifest["layers"]:
            hexpart = layer["digest"].split(":")[1]
            target = into / hexpart
            target.write_bytes(tar.extractfile(f"blobs/sha256/{hexpart}").read())
            paths.append(target)
    return paths


def synthetic_tenfold(archive: Path, out: Path) -> Path:
    """Ten copies of every layer, each under its own /copyN prefix, as one OCI archive."""
    from dockgate.testing.imagebuilder import sha256

    with tarfile.open(archive) as outer:
        index = json.load(outer.extractfile("index.json"))
        manifest = json.load(outer.extractfile("blobs/sha256/" + index["manifests"][0]["digest"].split(":")[1]))
        config = json.load(outer.extractfile("blobs/sha256/" + manifest["config"]["digest"].split(":")[1]))
        originals = [igzip.decompress(outer.extractfile("blobs/sha256/" + l["digest"].split(":")[1]).read()) for l in manifest["layers"]]
    blobs: dict[str, bytes] = {}
    descriptors, diff_ids, history = [], [], []
    for copy in range(10):
        for layer_tar in originals:
            buffer = io.BytesIO()
            with tarfile.open(fileobj=io.BytesIO(layer_tar)) as src, tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as dst:
                for member in src:
                    member.name = f"copy{copy}/{member.name.lstrip('./')}"
                    if member.islnk():
                        member.linkname = f"copy{copy}/{member.linkname.lstrip('./')}"
                    dst.addfile(member, src.extractfile(member) if member.isreg() else None)
            raw = buffer.getvalue()
            blob = igzip.compress(raw, compresslevel=1)
            blobs[sha256(blob)] = blob
            descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": sha256(blob), "size": len(blob)})
            diff_ids.append(sha256(raw))
            history.append({"created_by": f"copy {copy}"})
    config["rootfs"]["diff_ids"] = diff_ids
    config["history"] = history
    config_bytes = json.dumps(config).encode()
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256(config_bytes), "size": len(config_bytes)},
                "layers": descriptors}
    manifest_bytes = json.dumps(manifest).encode()
    blobs[sha256(config_bytes)] = config_bytes
    blobs[sha256(manifest_bytes)] = manifest_bytes
    new_index = {"schemaVersion": 2, "manifests": [{"mediaType": manifest["mediaType"], "digest": sha256(manifest_bytes), "size": len(manifest_bytes)}]}
    with tarfile.open(out, "w") as tar:
        for name, data in [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", json.dumps(new_index).encode())] + [
            (f"blobs/sha256/{d.split(':')[1]}", b) for d, b in blobs.items()
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if not IMAGE.is_file():
        print(f"needs {IMAGE} (set DOCKGATE_SHARED)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        blobs = layer_blobs(IMAGE, Path(tmp))
        sbom = [*DOCKGATE, "sbom", str(IMAGE), "-f", "json", "-o", os.devnull]
        gzip_cmd = ["sh", "-c", 'gzip -dc "$@" > /dev/null', "gzip", *map(str, blobs)]
        best_time(sbom, 1)  # warm the page cache and .pyc files
        t_gzip = best_time(gzip_cmd, args.runs)
        t_sbom = best_time(sbom, args.runs)
        print(f"gzip -dc over {len(blobs)} layer blobs: {t_gzip:.3f}s")
        print(f"dockgate sbom:                       {t_sbom:.3f}s")
        print(f"ratio sbom/gzip: {t_sbom / t_gzip:.2f} (target <= 1.0)")
        if args.skip_memory:
            return 0
        big = synthetic_tenfold(IMAGE, Path(tmp) / "tenfold.oci.tar")
        rss_small = peak_rss_kib(sbom)
        rss_big = peak_rss_kib([*DOCKGATE, "sbom", str(big), "-f", "json", "-o", os.devnull])
        print(f"peak RSS app-bookworm ({IMAGE.stat().st_size >> 20} MiB): {rss_small / 1024:.1f} MiB")
        print(f"peak RSS tenfold image ({big.stat().st_size >> 20} MiB): {rss_big / 1024:.1f} MiB")
        print(f"ratio peak RSS tenfold/original: {rss_big / rss_small:.2f} (target <= 1.3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
