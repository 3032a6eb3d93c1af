"""`dockgate scan` of SBOMs of Ubuntu and RPM-based images (OS from an operating-system
component or from ``distro`` qualifiers) against hand-written distribution advisories."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from vulndb.osv_fixtures import affected, build_db_from_records, osv, rng

from dockgate.cli import main

RECORDS = [
    osv("UBUNTU-CVE-2024-1", [affected("Ubuntu:22.04:LTS", "openssl", rng(("introduced", "0"), ("fixed", "3.0.2-0ubuntu1.15")))], upstream=["CVE-2024-1"]),
    osv("UBUNTU-CVE-2024-2", [affected("Ubuntu:20.04:LTS", "openssl", rng(("introduced", "0")))]),
    osv("UBUNTU-CVE-2024-5", [affected("Ubuntu:Pro:22.04:LTS", "curl", rng(("introduced", "0"), ("fixed", "7.81.0-1ubuntu1.16+esm1")))]),
    osv("RLSA-2024:1", [affected("Rocky Linux:9", "openssl", rng(("introduced", "0"), ("fixed", "1:3.0.7-27.el9")))]),
    osv("openSUSE-SU-2024:1", [affected("openSUSE:Leap 15.5", "openssl-1_1", rng(("introduced", "0"), ("fixed", "1.1.1l-150500.17.34.1")))]),
]

UBUNTU_PURLS = [
    ("libssl3", "pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.10?arch=amd64&upstream=openssl&distro=ubuntu-22.04"),
    ("libcurl4", "pkg:deb/ubuntu/libcurl4@7.81.0-1ubuntu1.15?arch=amd64&upstream=curl&distro=ubuntu-22.04"),
    ("zlib1g", "pkg:deb/ubuntu/zlib1g@1:1.2.11.dfsg-2ubuntu9.2?arch=amd64&upstream=zlib&distro=ubuntu-22.04"),
]
UBUNTU_FINDINGS = {
    ("libssl3", "UBUNTU-CVE-2024-1", "Ubuntu:22.04:LTS", "openssl"),
    ("libcurl4", "UBUNTU-CVE-2024-5", "Ubuntu:Pro:22.04:LTS", "curl"),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db_from_records(tmp_path_factory.mktemp("distros"), RECORDS)


def write(path: Path, document: dict) -> Path:
    path.write_bytes(orjson.dumps(document))
    return path


def scan_json(target: Path, db: Path, tmp_path: Path) -> dict:
    out = tmp_path / "out.json"
    assert main(["scan", str(target), "--db", str(db), "-f", "json", "-o", str(out)]) == 1
    return json.loads(out.read_text())


def found(result: dict) -> set[tuple[str, str, str, str]]:
    return {(v["package"]["name"], v["id"], v["ecosystem"], v["matched_as"]["name"]) for v in result["vulnerabilities"]}


def test_cyclonedx_of_an_ubuntu_image(db: Path, tmp_path: Path) -> None:
    components = [{"type": "operating-system", "name": "ubuntu", "version": "22.04", "description": "Ubuntu 22.04.3 LTS"}]
    components += [{"type": "library", "name": name, "purl": purl} for name, purl in UBUNTU_PURLS]
    bom = write(tmp_path / "bom.json", {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": components})
    result = scan_json(bom, db, tmp_path)
    assert result["target"]["os"]["id"] == "ubuntu"
    assert found(result) == UBUNTU_FINDINGS  # never the 20.04 advisory
    curl = next(v for v in result["vulnerabilities"] if v["id"] == "UBUNTU-CVE-2024-5")
    assert curl["fixed_versions"] == ["7.81.0-1ubuntu1.16+esm1"]
    assert result["unmatched"] == []


def test_spdx_of_an_ubuntu_image_with_distro_qualifiers_only(db: Path, tmp_path: Path) -> None:
    packages = [
        {"name": name, "SPDXID": f"SPDXRef-{index}", "versionInfo": purl.split("@")[1].split("?")[0],
         "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl}]}
        for index, (name, purl) in enumerate(UBUNTU_PURLS)
    ]
    doc = write(tmp_path / "doc.spdx.json", {"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "ubuntu-app", "packages": packages})
    result = scan_json(doc, db, tmp_path)
    assert result["target"]["os"]["id"] == "ubuntu" and result["target"]["os"]["version_id"] == "22.04"
    assert found(result) == UBUNTU_FINDINGS


def test_rpm_sboms_keep_the_epoch_and_source_rpm(db: Path, tmp_path: Path) -> None:
    rocky = [{"type": "library", "name": "openssl-libs", "version": "1:3.0.7-24.el9",
              "purl": "pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-24.el9.src.rpm&distro=rocky-9.3"}]
    bom = write(tmp_path / "rocky.json", {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": rocky})
    result = scan_json(bom, db, tmp_path)
    assert found(result) == {("openssl-libs", "RLSA-2024:1", "Rocky Linux:9", "openssl")}
    assert result["vulnerabilities"][0]["matched_as"]["version"] == "1:3.0.7-24.el9"
    leap = [{"type": "library", "name": "libopenssl1_1",
             "purl": "pkg:rpm/opensuse/libopenssl1_1@1.1.1l-150500.17.25.1?arch=x86_64&upstream=openssl-1_1-1.1.1l-150500.17.25.1.src.rpm&distro=opensuse-leap-15.5"}]
    bom = write(tmp_path / "leap.json", {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": leap})
    result = scan_json(bom, db, tmp_path)
    assert result["target"]["os"]["id"] == "opensuse-leap"
    assert found(result) == {("libopenssl1_1", "openSUSE-SU-2024:1", "openSUSE:Leap 15.5", "openssl-1_1")}
