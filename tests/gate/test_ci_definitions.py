"""The CI definitions in ci/: each parses, and the dockgate command it contains runs for real."""

from __future__ import annotations

import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from dockgate.cli import main

ROOT = Path(__file__).resolve().parents[2]
CI = ROOT / "ci"


def _github() -> list[str]:
    workflow = yaml.load((CI / "github-actions.yml").read_text(), Loader=yaml.CSafeLoader)
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["gate"]["steps"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    return [s["run"] for s in steps if "run" in s]


def _gitlab() -> list[str]:
    job = yaml.load((CI / "gitlab-ci.yml").read_text(), Loader=yaml.CSafeLoader)["dockgate-gate"]
    assert job["artifacts"]["reports"]["junit"] == "dockgate-junit.xml"
    return job["script"]


def _jenkins() -> list[str]:
    text = (CI / "Jenkinsfile").read_text()
    assert text.count("{") == text.count("}")
    assert "junit testResults: 'dockgate-junit.xml'" in text
    return re.findall(r"sh '([^']+)'", text)


def _workspace(tmp_path: Path, example: str) -> Path:
    source = ROOT / "examples" / example
    shutil.copy(source / "policy.yaml", tmp_path / "dockgate-policy.yaml")
    shutil.copy(source / "Dockerfile", tmp_path / "Dockerfile")
    (tmp_path / "k8s").mkdir()
    shutil.copy(source / "deployment.yaml", tmp_path / "k8s" / "deployment.yaml")
    return tmp_path


@pytest.mark.parametrize("name, commands", [("github", _github), ("gitlab", _gitlab), ("jenkins", _jenkins)])
def test_ci_definition_runs_the_gate(tmp_path: Path, name: str, commands, monkeypatch, capsys) -> None:
    gate_lines = [c for c in commands() if c.startswith("dockgate gate")]
    assert len(gate_lines) == 1
    argv = shlex.split(gate_lines[0])
    workspace = _workspace(tmp_path, "go-hello")
    monkeypatch.chdir(workspace)
    assert main(argv[1:]) == 1  # the motivating example fails the pipeline
    assert capsys.readouterr().out.startswith("dockgate gate: FAIL")
    report = ET.parse(workspace / "dockgate-junit.xml").getroot()
    assert int(report.get("failures")) >= 3
    if "--sarif" in argv:
        assert (workspace / argv[argv.index("--sarif") + 1]).read_text().lstrip().startswith("{")
