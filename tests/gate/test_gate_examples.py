"""The motivating example fails with a reviewer's reasons; the hardened one passes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dockgate.cli import main
from dockgate.gate import GateTarget, run_gate
from dockgate.gate.providers import Providers, default_providers
from dockgate.policy import load_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _target(name: str) -> GateTarget:
    folder = EXAMPLES / name
    return GateTarget(dockerfile=folder / "Dockerfile", manifests=[folder / "deployment.yaml"])


def test_both_examples_share_one_policy() -> None:
    assert (EXAMPLES / "go-hello/policy.yaml").read_text() == (EXAMPLES / "go-hello-hardened/policy.yaml").read_text()


def test_motivating_example_fails_for_image_provenance() -> None:
    policy = load_policy(EXAMPLES / "go-hello/policy.yaml")
    verdict = run_gate(policy, _target("go-hello"), Providers())
    assert not verdict.passed
    image_reasons = {(r.rule_id, Path(r.file).name, r.line) for r in verdict.failing if r.check == "images"}
    assert image_reasons == {
        ("image-not-pinned", "Dockerfile", 1),
        ("image-no-tag", "deployment.yaml", 17),
        ("image-not-pinned", "deployment.yaml", 17),
    }
    policy_lines = (EXAMPLES / "go-hello/policy.yaml").read_text().splitlines()
    for reason in verdict.failing:
        assert reason.policy.line is not None
        key = reason.policy.key.rsplit(".", 1)[-1]
        assert policy_lines[reason.policy.line - 1].lstrip().startswith(key)


def test_motivating_example_fails_with_a_reviewers_reasons() -> None:
    policy = load_policy(EXAMPLES / "go-hello/policy.yaml")
    verdict = run_gate(policy, _target("go-hello"), default_providers())
    rules = {r.rule_id for r in verdict.failing if r.check == "kubernetes"}
    # no securityContext, no resources, runs as root, default service account token, no NetworkPolicy
    assert {"pss-run-as-non-root", "pss-allow-privilege-escalation", "pss-capabilities-restricted", "pss-seccomp-restricted"} <= rules
    assert {"DG-K8S-001", "DG-K8S-002", "DG-K8S-007", "DG-K8S-011"} <= rules
    # the Dockerfile: end-of-life Go, root, toolchain in the runtime image
    assert {"DG-DF-003", "DG-DF-005", "DG-DF-006"} <= {r.rule_id for r in verdict.failing if r.check == "dockerfile"}
    pss = next(r for r in verdict.failing if r.rule_id == "pss-run-as-non-root")
    assert pss.policy.key == "podSecurity.level" and Path(pss.file).name == "deployment.yaml"


def test_hardened_example_passes_every_check_that_is_installed() -> None:
    policy = load_policy(EXAMPLES / "go-hello-hardened/policy.yaml")
    providers = default_providers()
    verdict = run_gate(policy, _target("go-hello-hardened"), providers)
    images = next(r for r in verdict.results if r.name == "images")
    assert images.ran and images.passed, [r.message for r in images.reasons]
    missing = {name for name in ("dockerfile", "kubernetes") if getattr(providers, name) is None}
    assert {r.check for r in verdict.failing} == missing
    assert all(r.rule_id == "check-unavailable" for r in verdict.failing)
    if not missing:
        assert verdict.passed


def test_gate_cli_exit_codes_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = EXAMPLES / "go-hello"
    junit, sarif, report = tmp_path / "gate.xml", tmp_path / "gate.sarif", tmp_path / "gate.json"
    code = main([
        "gate", "--policy", str(folder / "policy.yaml"), "--dockerfile", str(folder / "Dockerfile"),
        "--manifests", str(folder / "deployment.yaml"), "--junit", str(junit), "--sarif", str(sarif), "--json", str(report),
    ])
    assert code == 1
    out = capsys.readouterr().out
    assert out.startswith("dockgate gate: FAIL")
    assert "because of policy" in out and "policy.yaml:12 images.requireDigest" in out
    tree = ET.parse(junit).getroot()
    blocking = [r for c in json.loads(report.read_text())["checks"] for r in c["reasons"] if r["blocking"]]
    assert tree.tag == "testsuites" and int(tree.get("failures")) == len(blocking) >= 3
    log = json.loads(sarif.read_text())
    assert log["version"] == "2.1.0" and len(log["runs"][0]["results"]) == int(tree.get("failures"))
    assert json.loads(report.read_text())["verdict"] == "FAIL"


def test_gate_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = EXAMPLES / "go-hello/policy.yaml"
    assert main(["gate", "--policy", str(policy)]) == 2
    assert "nothing to judge" in capsys.readouterr().err
    assert main(["gate", "--policy", str(policy), "--dockerfile", str(tmp_path / "nope")]) == 2
    assert main(["gate", "--policy", str(tmp_path / "missing.yaml"), "--dockerfile", str(policy)]) == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: [")
    assert main(["gate", "--policy", str(policy), "--manifests", str(bad)]) == 2
    assert "invalid YAML" in capsys.readouterr().err
