"""SBOM output formats: CycloneDX 1.6 validated by cyclonedx-python-lib, SPDX 2.3 by spdx-tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from dockgate.cli import main
from dockgate.testing.imagebuilder import Layer, build, write_oci_archive

STATUS = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl (3.0.11-1)\nVersion: 3.0.11-1+b1\n"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    layer = (
        Layer()
        .add("etc/os-release", 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')
        .add("var/lib/dpkg/status", STATUS)
        .add("usr/lib/python3/dist-packages/requests-2.19.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n")
        .add("app/node_modules/@scope/pkg/package.json", json.dumps({"name": "@scope/pkg", "version": "1.0.0"}))
    )
    return write_oci_archive(tmp_path_factory.mktemp("img") / "img.tar", [build([layer])], tag="demo:1")


def render(archive: Path, fmt: str, tmp_path: Path) -> str:
    out = tmp_path / f"out.{fmt}"
    assert main(["sbom", str(archive), "-f", fmt, "-o", str(out)]) == 0
    return out.read_text()


def test_cyclonedx_validates_and_carries_layers(archive: Path, tmp_path: Path) -> None:
    text = render(archive, "cyclonedx", tmp_path)
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert errors is None, errors
    doc = json.loads(text)
    assert doc["specVersion"] == "1.6"
    assert doc["metadata"]["component"]["type"] == "container"
    purls = {c.get("purl") for c in doc["components"]}
    assert {"pkg:pypi/requests@2.19.0", "pkg:npm/%40scope/pkg@1.0.0"} <= purls
    deb = next(c for c in doc["components"] if c["name"] == "libssl3")
    props = {p["name"]: p["value"] for p in deb["properties"]}
    assert props["dockgate:layer:index"] == "0"
    assert props["dockgate:location:path"] == "/var/lib/dpkg/status"
    assert props["dockgate:package:sourceName"] == "openssl"
    assert any(c["type"] == "operating-system" for c in doc["components"])


def test_spdx_validates(archive: Path, tmp_path: Path) -> None:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    text = render(archive, "spdx", tmp_path)
    path = tmp_path / "doc.spdx.json"
    path.write_text(text)
    document = parse_file(str(path))
    messages = validate_full_spdx_document(document)
    assert messages == [], [m.validation_message for m in messages]
    doc = json.loads(text)
    assert doc["spdxVersion"] == "SPDX-2.3"
    assert len(doc["packages"]) == 4  # the image + 3 packages
    assert sum(r["relationshipType"] == "CONTAINS" for r in doc["relationships"]) == 3


def test_json_and_table(archive: Path, tmp_path: Path) -> None:
    doc = json.loads(render(archive, "json", tmp_path))
    assert doc["schema"] == "dockgate.sbom/v1"
    assert {p["name"] for p in doc["packages"]} == {"libssl3", "requests", "@scope/pkg"}
    assert doc["os"]["id"] == "debian"
    table = render(archive, "table", tmp_path)
    assert "libssl3" in table and "openssl 3.0.11-1" in table and "\x1b[" not in table


@pytest.mark.shared
def test_real_image_cyclonedx_validates(shared_dir: Path, tmp_path: Path) -> None:
    text = render(shared_dir / "images" / "app-bookworm.oci.tar", "cyclonedx", tmp_path)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert len(json.loads(text)["components"]) == 154  # 153 packages + the OS
