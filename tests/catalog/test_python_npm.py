"""Python distributions and npm packages, in the layouts real images have."""

from __future__ import annotations

import json

from dockgate.testing.imagebuilder import Layer

META = "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nLicense: MIT\n\nlong description\nName: NotThis\n"


def test_dist_info_egg_info_and_virtualenvs(inventory_of) -> None:
    layer = (
        Layer()
        .add("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", META.format(name="six", version="1.16.0"))
        .add("opt/venv/lib/python3.12/site-packages/Flask-2.0.0.dist-info/METADATA", META.format(name="Flask", version="2.0.0"))
        .add("opt/venv/lib/python3.12/site-packages/Flask-2.0.0.dist-info/INSTALLER", "uv\n")
        .add("usr/lib/python3/dist-packages/legacy.egg-info/PKG-INFO", META.format(name="legacy", version="0.1"))
        .add("usr/local/lib/python3.9/site-packages/single_file-1.0-py3.9.egg-info", META.format(name="single-file", version="1.0"))
        .add("srv/notsite/fake-1.0.dist-info/METADATA", META.format(name="fake", version="1.0"))
        .add("usr/lib/python3/dist-packages/broken-1.0.dist-info/METADATA", "Metadata-Version: 2.1\n")
    )
    inv = inventory_of(layer)
    pkgs = {p.name: p for p in inv.packages}
    assert set(pkgs) == {"six", "Flask", "legacy", "single-file"}
    assert pkgs["Flask"].metadata["installer"] == "uv"
    assert pkgs["Flask"].metadata["site_dir"] == "/opt/venv/lib/python3.12/site-packages"
    assert pkgs["legacy"].metadata["format"] == "egg-info"
    assert pkgs["single-file"].purl == "pkg:pypi/single-file@1.0"
    assert any("broken-1.0.dist-info" in w for w in inv.warnings)


def test_python_package_removed_in_later_layer(inventory_of) -> None:
    path = "usr/lib/python3/dist-packages/six-1.16.0.dist-info"
    inv = inventory_of(Layer().add(f"{path}/METADATA", META.format(name="six", version="1.16.0")), Layer().whiteout(path))
    assert inv.packages == []


def pkg(name: str, version: str) -> str:
    return json.dumps({"name": name, "version": version, "license": "MIT"})


def test_node_modules_roots_only(inventory_of) -> None:
    layer = (
        Layer()
        .add("app/package.json", pkg("app", "1.0.0"))
        .add("app/node_modules/express/package.json", pkg("express", "4.17.1"))
        .add("app/node_modules/express/lib/package.json", pkg("not-a-root", "0.0.1"))
        .add("app/node_modules/@types/node/package.json", pkg("@types/node", "20.1.0"))
        .add("app/node_modules/send/node_modules/ms/package.json", pkg("ms", "2.1.1"))
        .add("app/node_modules/.package-lock.json", json.dumps({"lockfileVersion": 3, "packages": {"node_modules/zzz": {"version": "9.9.9"}}}))
        .add("app/package-lock.json", json.dumps({"lockfileVersion": 3, "packages": {"node_modules/zzz": {"version": "9.9.9"}}}))
    )
    pkgs = {(p.name, p.version): p for p in inventory_of(layer).packages}
    assert set(pkgs) == {("express", "4.17.1"), ("@types/node", "20.1.0"), ("ms", "2.1.1")}
    assert pkgs[("@types/node", "20.1.0")].purl == "pkg:npm/%40types/node@20.1.0"


def test_lockfile_only_projects_v1_v2_v3(inventory_of) -> None:
    v1 = {"lockfileVersion": 1, "dependencies": {"lodash": {"version": "4.17.15", "dependencies": {"inner": {"version": "1.0.0", "dev": True}}}}}
    v2 = {"lockfileVersion": 2, "packages": {"": {"name": "p2"}, "node_modules/minimist": {"version": "1.2.0"}, "node_modules/@scope/x": {"version": "2.0.0"}, "node_modules/linked": {"link": True, "resolved": "../x"}}}
    v3 = {"lockfileVersion": 3, "packages": {"node_modules/a/node_modules/b": {"version": "3.0.0", "dev": True}}}
    layer = Layer().add("p1/package-lock.json", json.dumps(v1)).add("p2/package-lock.json", json.dumps(v2)).add("p3/package-lock.json", json.dumps(v3))
    pkgs = {(p.name, p.version): p for p in inventory_of(layer).packages}
    assert set(pkgs) == {("lodash", "4.17.15"), ("inner", "1.0.0"), ("minimist", "1.2.0"), ("@scope/x", "2.0.0"), ("b", "3.0.0")}
    assert pkgs[("inner", "1.0.0")].metadata["dev"] == "true"
    assert pkgs[("b", "3.0.0")].metadata["from"] == "package-lock.json"
