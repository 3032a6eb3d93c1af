"""Real cosign signatures (containers/image fixtures): every verdict of the README table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.shared

VALID_REFERENCE = "192.168.64.2:5000/cosign-signed-single-sample"

# (fixture folder, key, expected exit code, docker-references of the valid signatures)
TABLE = [
    ("dir-img-cosign-valid", "cosign.pub", 0, [VALID_REFERENCE]),
    ("dir-img-cosign-valid", "cosign2.pub", 1, []),
    ("dir-img-cosign-valid-2", "cosign.pub", 0, [VALID_REFERENCE, VALID_REFERENCE]),
    ("dir-img-cosign-mixed", "cosign.pub", 0, [VALID_REFERENCE]),
    ("dir-img-cosign-valid-with-tag", "cosign.pub", 0, ["192.168.64.2:5000/skopeo-signed:tag"]),
    ("dir-img-cosign-key-rekor-valid", "cosign2.pub", 0, ["192.168.64.2:5000/cosign-signed/key-1"]),
    ("dir-img-cosign-modified-manifest", "cosign.pub", 1, []),
    ("dir-img-cosign-manifest-digest-error", "cosign.pub", 2, []),
    ("dir-img-cosign-no-manifest", "cosign.pub", 2, []),
    ("dir-img-cosign-other-attachment", "cosign.pub", 1, []),
]


@pytest.mark.parametrize(("folder", "key", "expected", "references"), TABLE, ids=[f"{f}-{k}" for f, k, _, _ in TABLE])
def test_conformance_table(cosign_fixtures: Path, run_cli, folder: str, key: str, expected: int, references: list[str]) -> None:
    code, out, err = run_cli("verify", f"dir:{cosign_fixtures / folder}", "--key", cosign_fixtures / key, "-f", "json")
    assert code == expected, err
    if expected == 2:
        assert out == "" and err.startswith("dockgate: error:") and len(err.strip().splitlines()) == 1
        return
    report = json.loads(out)
    assert report["verified"] is (expected == 0)
    assert [s["dockerReference"] for s in report["signatures"]] == references
    if expected == 1:
        assert err.startswith("dockgate: verification failed:") and len(err.strip().splitlines()) == 1


def test_reasons_of_rejections(cosign_fixtures: Path, run_cli) -> None:
    cases = {
        ("dir-img-cosign-valid", "cosign2.pub"): "does not verify",
        ("dir-img-cosign-modified-manifest", "cosign.pub"): "not the image's",
        ("dir-img-cosign-other-attachment", "cosign.pub"): "not a cosign signature",
    }
    for (folder, key), reason in cases.items():
        code, out, _ = run_cli("verify", f"dir:{cosign_fixtures / folder}", "--key", cosign_fixtures / key, "-f", "json")
        assert code == 1
        assert all(reason in r["reason"] for r in json.loads(out)["rejected"])
    code, _, err = run_cli("verify", f"dir:{cosign_fixtures / 'dir-img-cosign-no-manifest'}", "--key", cosign_fixtures / "cosign.pub")
    assert code == 2 and "no manifest.json" in err
    code, _, err = run_cli("verify", f"dir:{cosign_fixtures / 'dir-img-cosign-manifest-digest-error'}", "--key", cosign_fixtures / "cosign.pub")
    assert code == 2 and "manifest digest cannot be computed" in err


def test_mixed_reports_the_invalid_one_too(cosign_fixtures: Path, run_cli) -> None:
    code, out, _ = run_cli("verify", f"dir:{cosign_fixtures / 'dir-img-cosign-mixed'}", "--key", cosign_fixtures / "cosign.pub", "-f", "json")
    report = json.loads(out)
    assert code == 0
    assert [Path(r["source"]).name for r in report["rejected"]] == ["signature-1"]
    assert [Path(s["source"]).name for s in report["signatures"]] == ["signature-2"]


def test_unknown_cosign_key_signature(cosign_fixtures: Path, run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "unknown"
    folder.mkdir()
    shutil.copyfile(cosign_fixtures / "dir-img-cosign-valid" / "manifest.json", folder / "manifest.json")
    shutil.copyfile(cosign_fixtures / "unknown-cosign-key.signature", folder / "signature-1")
    for key in ("cosign.pub", "cosign2.pub"):
        code, out, _ = run_cli("verify", f"dir:{folder}", "--key", cosign_fixtures / key, "-f", "json")
        assert code == 1
        assert json.loads(out)["rejected"][0]["reason"] == "signature does not verify with the given key(s)"


def test_exact_reference_matching(cosign_fixtures: Path, run_cli) -> None:
    image = f"dir:{cosign_fixtures / 'dir-img-cosign-valid-with-tag'}"
    key = cosign_fixtures / "cosign.pub"
    assert run_cli("verify", image, "--key", key, "--reference", "192.168.64.2:5000/skopeo-signed:tag")[0] == 0
    code, out, _ = run_cli("verify", image, "--key", key, "--reference", "192.168.64.2:5000/skopeo-signed:othertag", "-f", "json")
    assert code == 1 and "is not" in json.loads(out)["rejected"][0]["reason"]
    assert run_cli("verify", image, "--key", key, "--reference", "192.168.64.2:5000/skopeo-signed")[0] == 1
    assert run_cli("verify", image, "--key", key, "--reference", "192.168.64.2:5000/other:tag")[0] == 1
    valid = f"dir:{cosign_fixtures / 'dir-img-cosign-valid'}"
    assert run_cli("verify", valid, "--key", key, "--reference", VALID_REFERENCE)[0] == 0
    assert run_cli("verify", valid, "--key", key, "--reference", VALID_REFERENCE + ":latest")[0] == 1


def test_several_keys(cosign_fixtures: Path, run_cli) -> None:
    image = f"dir:{cosign_fixtures / 'dir-img-cosign-valid'}"
    code, out, _ = run_cli("verify", image, "--key", cosign_fixtures / "cosign2.pub", "--key", cosign_fixtures / "cosign.pub", "-f", "json")
    assert code == 0
    assert json.loads(out)["signatures"][0]["key"].endswith("/cosign.pub")
    assert run_cli("verify", image, "--key", cosign_fixtures / "cosign2.pub", "--key", cosign_fixtures / "rekor.pub")[0] == 1


def test_text_output_names_the_reference(cosign_fixtures: Path, run_cli) -> None:
    code, out, _ = run_cli("verify", f"dir:{cosign_fixtures / 'dir-img-cosign-valid'}", "--key", cosign_fixtures / "cosign.pub")
    assert code == 0
    assert f"Verified: {VALID_REFERENCE}" in out
