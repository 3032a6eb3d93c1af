"""gate --image with the real scanner and a database built from the shared OSV mirror."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from dockgate.cli import main

POLICY = """\
apiVersion: dockgate.dev/v1
kind: Policy
vulnerabilities:
  failOn: [critical, high]
  countUnfixed: false
  maxDatabaseAgeHours: 24
  ignore: IGNORE
images: {requireDigest: false}
rules: {secrets: {enabled: false}}
"""


@pytest.fixture(scope="module")
def database(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vulndb") / "vulndb.sqlite"
    assert main(["db", "update", "--db", str(path), "--mirror", str(shared_dir / "osv-mirror")]) == 0
    return path


def _gate(tmp_path: Path, shared_dir: Path, ignore: str, capsys) -> tuple[int, dict]:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.replace("IGNORE", ignore))
    image = f"oci-archive:{shared_dir / 'images' / 'app-bookworm.oci.tar'}"
    code = main(["gate", "--policy", str(policy), "--image", image, "-f", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_vulnerabilities_fail_the_gate_and_ignores_expire(tmp_path, shared_dir, database, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DOCKGATE_DB", str(database))
    code, report = _gate(tmp_path, shared_dir, "[]", capsys)
    assert code == 1 and report["verdict"] == "FAIL"
    vulns = next(c for c in report["checks"] if c["name"] == "vulnerabilities")
    blocking = [r for r in vulns["reasons"] if r["blocking"]]
    assert blocking and all(r["severity"] in {"high", "critical"} for r in blocking)
    assert all(r["policy"]["line"] == 4 and r["policy"]["key"] == "vulnerabilities.failOn" for r in blocking)
    assert all("fixed in" in r["message"] for r in blocking)  # countUnfixed: false
    ids = sorted({r["rule"] for r in blocking})
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    entries = "".join(f"\n    - {{id: {i}, reason: 'accepted until the base image update', expires: {future}}}" for i in ids)
    code, report = _gate(tmp_path, shared_dir, entries, capsys)
    assert code == 0 and report["verdict"] == "PASS"
    warnings = [r for c in report["checks"] for r in c["reasons"] if not r["blocking"]]
    assert sorted({w["rule"] for w in warnings}) == ids
    past = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    code, report = _gate(tmp_path, shared_dir, entries.replace(future, past), capsys)
    assert code == 1 and all("expired" in r["message"] for c in report["checks"] for r in c["reasons"] if r["blocking"])


def test_secrets_in_the_image_fail_the_gate(tmp_path, shared_dir, capsys) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("apiVersion: dockgate.dev/v1\nkind: Policy\nvulnerabilities: {failOn: []}\nimages: {requireDigest: false}\n")
    image = f"oci-archive:{shared_dir / 'images' / 'app-bookworm.oci.tar'}"
    assert main(["gate", "--policy", str(policy), "--image", image, "-f", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    secrets = next(c for c in report["checks"] if c["name"] == "secrets")
    rules = {r["rule"] for r in secrets["reasons"]}
    assert {"aws-access-key-id", "private-key"} <= rules
    assert all(r["policy"]["key"] == "rules.secrets.failOn (default)" and r["policy"]["line"] is None for r in secrets["reasons"])
    assert not any("AKIA" in r["message"] and len(r["message"].split("AKIA")[1]) > 20 for r in secrets["reasons"])  # masked


def test_gate_scans_an_image_straight_from_a_registry(tmp_path, registry_app_image, database, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DOCKGATE_DB", str(database))
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.replace("IGNORE", "[]"))
    assert main(["gate", "--policy", str(policy), "--image", registry_app_image.reference, "-f", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    vulns = next(c for c in report["checks"] if c["name"] == "vulnerabilities")
    assert any(r["blocking"] and r["severity"] in {"high", "critical"} for r in vulns["reasons"])
