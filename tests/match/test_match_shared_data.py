"""Matching against the real shared OSV data (built once per session over HTTP)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.catalog.package import OSInfo, Package
from dockgate.match import match_packages
from dockgate.vulndb import VulnDatabase

pytestmark = pytest.mark.shared
BOOKWORM = OSInfo("debian", "12")


def _ids(db: Path, kind: str, name: str, version: str) -> set[str]:
    package = Package(type=kind, name=name, version=version, purl=f"pkg:x/{name}@{version}", path="/p")
    with VulnDatabase(db) as database:
        report = match_packages([package], BOOKWORM, database)
    assert not report.unmatched
    return {i for f in report.findings for i in f.identifiers}


def test_known_vulnerable_versions(osv_db: Path) -> None:
    assert {"PYSEC-2018-28", "CVE-2018-18074", "PYSEC-2023-74"} <= _ids(osv_db, "python", "requests", "2.19.0")
    assert {"PYSEC-2019-132", "PYSEC-2019-133", "PYSEC-2020-148", "PYSEC-2021-108", "PYSEC-2023-192"} <= _ids(osv_db, "python", "urllib3", "1.24.1")
    assert {"PYSEC-2019-217", "CVE-2019-10906", "PYSEC-2021-66"} <= _ids(osv_db, "python", "Jinja2", "2.10")
    stdlib = _ids(osv_db, "go-stdlib", "stdlib", "go1.19.8")
    assert {"GO-2023-1751", "GO-2023-1752", "GO-2023-1753", "GO-2023-1878"} <= stdlib
    assert "GO-2023-1705" not in stdlib  # fixed in 1.19.8 itself


def test_fixed_versions_are_clean(osv_db: Path) -> None:
    assert not {"PYSEC-2018-28", "PYSEC-2023-74"} & _ids(osv_db, "python", "requests", "2.31.0")
    assert "PYSEC-2018-28" not in _ids(osv_db, "python", "requests", "2.20.0")
    assert not {"PYSEC-2019-217", "PYSEC-2021-66"} & _ids(osv_db, "python", "jinja2", "2.11.3")
    assert _ids(osv_db, "python", "urllib3", "2.2.3") == set()
    assert "GO-2023-1751" not in _ids(osv_db, "go-stdlib", "stdlib", "go1.19.9")


def test_debian_and_alpine_source_matching(osv_db: Path) -> None:
    # DSA-5139-1: openssl in Debian 11 fixed in 1.1.1n-0+deb11u2
    bullseye = OSInfo("debian", "11")
    ssl = Package("deb", "libssl1.1", "1.1.1n-0+deb11u1", "pkg:deb/debian/libssl1.1", "/var/lib/dpkg/status", source_name="openssl", source_version="1.1.1n-0+deb11u1")
    with VulnDatabase(osv_db) as database:
        found = {i for f in match_packages([ssl], bullseye, database).findings for i in f.ids}
        alpine = OSInfo("alpine", "3.11.6")
        ssl_client = Package("apk", "ssl_client", "1.29.3-r9", "pkg:apk/alpine/ssl_client", "/lib/apk/db/installed", source_name="busybox")
        alpine_ids = {i for f in match_packages([ssl_client], alpine, database).findings for i in f.ids}
        ssl_client.version = "1.29.3-r10"
        alpine_fixed = {i for f in match_packages([ssl_client], alpine, database).findings for i in f.ids}
    assert {"DSA-5139-1", "DSA-5169-1", "DSA-5343-1"} <= found and "DSA-5103-1" not in found
    assert {"CVE-2018-20679", "CVE-2019-5747"} <= alpine_ids
    assert not {"CVE-2018-20679", "CVE-2019-5747", "CVE-2017-15873"} & alpine_fixed
