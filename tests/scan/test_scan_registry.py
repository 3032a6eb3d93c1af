"""`dockgate scan` of app-bookworm pushed to a real registry gives the same result as the archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockgate.cli import main

pytestmark = pytest.mark.shared


def findings(target: str, db: Path, out: Path, scanners: str) -> tuple[list, list]:
    assert main(["scan", target, "--db", str(db), "--scanners", scanners, "-f", "json", "-o", str(out)]) == 1
    doc = json.loads(out.read_text())
    vulns = sorted(json.dumps(v, sort_keys=True) for v in doc["vulnerabilities"])
    secrets = sorted(json.dumps(s, sort_keys=True) for s in doc["other_findings"]["secret"])
    return vulns, secrets


def test_registry_scan_equals_archive_scan(registry_app_image, shared_dir: Path, osv_db: Path, tmp_path: Path) -> None:
    archive = findings(str(shared_dir / "images" / "app-bookworm.oci.tar"), osv_db, tmp_path / "a.json", "vuln,secret")
    registry = findings(registry_app_image.reference, osv_db, tmp_path / "r.json", "vuln,secret")
    assert archive[0] and registry[0] == archive[0]
    assert len(archive[1]) == 7 and registry[1] == archive[1]
