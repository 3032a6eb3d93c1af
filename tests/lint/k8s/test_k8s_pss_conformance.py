"""Every official Pod Security admission fixture (../shared/conformance/pod-security) must
be classified exactly as Kubernetes does: pass/ allowed, fail/ denied, per level and version.

One test per level and version; a failure lists every disagreeing fixture with the reasons.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.lint.k8s.loader import LoadResult, load_file
from dockgate.lint.k8s.pss import evaluate, parse_version
from dockgate.lint.k8s.workloads import pod_template
from shared_paths import SHARED

CONFORMANCE = SHARED / "conformance" / "pod-security" if SHARED else None


def _cases() -> list[tuple[str, str]]:
    if CONFORMANCE is None or not CONFORMANCE.is_dir():
        return [("baseline", "v1.0")]  # the shared_dir fixture skips (or fails under REQUIRE_SHARED)
    return [(level.name, version.name) for level in sorted(CONFORMANCE.iterdir()) if level.is_dir()
            for version in sorted(level.iterdir(), key=lambda p: parse_version(p.name)) if version.is_dir()]


def _disagreements(folder: Path, level: str, version: str) -> tuple[int, list[str]]:
    parsed = parse_version(version)
    checked, wrong = 0, []
    for expected in ("pass", "fail"):
        for file in sorted((folder / expected).glob("*.yaml")):
            result = LoadResult()
            load_file(file, result)
            assert not result.diagnostics and len(result.objects) == 1, f"{file}: {result.diagnostics}"
            pod = pod_template(result.objects[0])
            assert pod is not None, file
            violations = evaluate(pod, level, parsed)
            checked += 1
            if bool(violations) != (expected == "fail"):
                reasons = "; ".join(v.message for _, v in violations) or "no violation"
                wrong.append(f"{expected}/{file.name}: dockgate says {'fail' if violations else 'pass'} ({reasons})")
    return checked, wrong


@pytest.mark.shared
@pytest.mark.parametrize(("level", "version"), _cases(), ids=lambda v: v)
def test_pod_security_fixtures_agree_with_kubernetes(shared_dir: Path, level: str, version: str) -> None:
    folder = shared_dir / "conformance" / "pod-security" / level / version
    checked, wrong = _disagreements(folder, level, version)
    assert checked > 0, f"no fixtures in {folder}"
    assert not wrong, f"{len(wrong)} of {checked} fixtures disagree at {level} {version}:\n" + "\n".join(wrong)


@pytest.mark.shared
def test_every_level_and_version_folder_is_covered(shared_dir: Path) -> None:
    root = shared_dir / "conformance" / "pod-security"
    folders = {(lv.name, v.name) for lv in root.iterdir() if lv.is_dir() for v in lv.iterdir() if v.is_dir()}
    assert folders == set(_cases())
    assert {"baseline", "restricted"} <= {level for level, _ in folders}
    total = sum(1 for _ in root.rglob("*.yaml"))
    assert total > 4000
