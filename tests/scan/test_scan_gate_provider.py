"""The policy gate's provider: ``dockgate.scan.gate_scan_outcome`` on the shared image."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.gate.providers import default_providers
from dockgate.severity import Severity

pytestmark = pytest.mark.shared


def test_gate_providers_find_scan_and_database(shared_dir: Path, osv_db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCKGATE_DB", str(osv_db))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".dockgateignore").write_text("- id: PYSEC-2018-28\n  reason: the gate applies its own ignores\n")
    providers = default_providers()
    assert providers.vulnerabilities is not None and providers.database is not None
    outcome = providers.vulnerabilities(str(shared_dir / "images" / "app-bookworm.oci.tar"))
    hit = next(h for h in outcome.hits if h.id == "PYSEC-2018-28")  # ./.dockgateignore not applied by the gate
    assert hit.package == "requests" and hit.fixed_version == "2.20.0" and "CVE-2018-18074" in hit.aliases
    assert outcome.digest and outcome.digest.startswith("sha256:")
    assert any(h.severity is Severity.HIGH for h in outcome.hits)
    version, built = providers.database()
    assert outcome.database_built == built and version.startswith("osv ")
