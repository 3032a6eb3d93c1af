"""The real app-bookworm image, both archive forms, against its truth.json: exact inventory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockgate.inventory import Inventory, build_inventory

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def truth(shared_dir: Path) -> dict:
    return json.loads((shared_dir / "images" / "truth.json").read_text())


@pytest.fixture(scope="module", params=["oci", "docker"])
def inventory(request, shared_dir: Path, truth: dict) -> Inventory:
    image = truth["image"]
    name = image["oci_archive"] if request.param == "oci" else image["docker_archive"]["file"]
    return build_inventory(str(shared_dir / "images" / name))


def of_type(inventory: Inventory, kind: str):
    return [p for p in inventory.packages if p.type == kind]


def test_image_identity(inventory: Inventory, truth: dict) -> None:
    assert inventory.image.config_digest == truth["image"]["config_digest"]
    if inventory.image.source_type == "oci-archive":
        assert inventory.image.manifest_digest == truth["image"]["manifest_digest"]
    assert [l.diff_id for l in inventory.image.layers] == [l["diff_id"] for l in truth["layers"]]
    assert [l.entries for l in inventory.image.layers] == [l["entry_counts"]["entries"] for l in truth["layers"]]
    assert inventory.warnings == []


def test_os(inventory: Inventory, truth: dict) -> None:
    assert (inventory.os.id, inventory.os.version_id, inventory.os.pretty_name, inventory.os.codename) == (
        truth["os"]["id"],
        truth["os"]["version_id"],
        truth["os"]["pretty_name"],
        truth["os"]["version_codename"],
    )


def test_dpkg_exact(inventory: Inventory, truth: dict) -> None:
    found = {(p.name, p.version, p.source_name, p.source_version, p.arch, p.layer_index) for p in of_type(inventory, "deb")}
    expected = {
        (d["name"], d["version"], d["source"], d["source_version"], d["architecture"], truth["dpkg_database"]["layer_index"])
        for d in truth["dpkg"]
    }
    assert found == expected
    assert len(of_type(inventory, "deb")) == truth["counts"]["dpkg"]


def test_python_exact(inventory: Inventory, truth: dict) -> None:
    found = {(p.name, p.version, p.path, p.layer_index, p.metadata["metadata_version"], p.metadata.get("installer")) for p in of_type(inventory, "python")}
    expected = {(d["name"], d["version"], d["path"], d["layer_index"], d["metadata_version"], d["installer"]) for d in truth["python"]}
    assert found == expected


def test_npm_exact(inventory: Inventory, truth: dict) -> None:
    found = sorted((p.name, p.version, p.path, p.layer_index) for p in of_type(inventory, "npm"))
    expected = sorted((d["name"], d["version"], d["path"], d["layer_index"]) for d in truth["npm"])
    assert found == expected


def test_go_exact(inventory: Inventory, truth: dict) -> None:
    go = truth["go"]
    stdlib = of_type(inventory, "go-stdlib")
    modules = of_type(inventory, "go-module")
    assert [(p.name, p.version, p.path, p.layer_index) for p in stdlib] == [("stdlib", go["go_version"], go["binary"], go["layer_index"])]
    main = [p for p in modules if p.metadata.get("main_module") == "true"]
    assert [(p.name, p.version) for p in main] == [(go["main_module"], go["main_version"])]
    assert main[0].metadata["main_package"] == go["main_package_path"]
    assert {k.removeprefix("build."): v for k, v in main[0].metadata.items() if k.startswith("build.")} == go["build_settings"]
    deps = [p for p in modules if p.metadata.get("main_module") != "true"]
    assert [(p.name, p.version) for p in deps] == [(d["path"], d["version"]) for d in go["deps"]]


def test_nothing_else(inventory: Inventory, truth: dict) -> None:
    counts = truth["counts"]
    expected = counts["dpkg"] + counts["python"] + counts["npm"] + 2 * counts["go_binaries"] + counts["go_deps"]
    assert len(inventory.packages) == expected
    assert {p.type for p in inventory.packages} == {"deb", "python", "npm", "go-stdlib", "go-module"}
