"""The command line frame: help, version, usage errors, and the bundled example."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dockgate import __version__
from dockgate.cli import main

REPO = Path(__file__).resolve().parent.parent


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"dockgate {__version__}"


def test_help_lists_sbom(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "sbom" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys) -> None:
    for argv in ([], ["no-such-command"], ["sbom"], ["sbom", "x", "--format", "xml"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "dockgate", "sbom", str(tmp_path / "missing")], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("dockgate: error:") and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_bundled_example_is_what_its_generator_writes(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "examples"))
    try:
        import make_example_image
    finally:
        sys.path.pop(0)
    rebuilt = make_example_image.main(tmp_path / "hello.oci.tar")
    assert rebuilt.read_bytes() == (REPO / "examples" / "images" / "hello.oci.tar").read_bytes()


def test_bundled_example_inventory(capsys) -> None:
    assert main(["sbom", str(REPO / "examples" / "images" / "hello.oci.tar"), "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    names = {(p["type"], p["name"], p["version"]) for p in doc["packages"]}
    assert ("python", "requests", "2.19.0") in names and ("deb", "libssl3", "3.0.11-1~deb12u2") in names
    assert doc["os"]["version_id"] == "12"


def test_output_to_a_device_writes_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    assert main(["sbom", str(REPO / "examples" / "images" / "hello.oci.tar"), "-f", "json", "-o", str(fifo)]) == 0
    out, _ = reader.communicate(timeout=30)
    assert json.loads(out)["schema"] == "dockgate.sbom/v1"
    assert fifo.is_fifo()  # still a FIFO: never renamed over
    assert main(["sbom", str(REPO / "examples" / "images" / "hello.oci.tar"), "-o", os.devnull]) == 0
    assert Path(os.devnull).is_char_device()


def test_output_to_a_directory_is_refused(capsys, tmp_path: Path) -> None:
    assert main(["sbom", str(REPO / "examples" / "images" / "hello.oci.tar"), "-o", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
