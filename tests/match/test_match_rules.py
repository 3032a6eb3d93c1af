"""Hand-written OSV records pin each range rule, each ecosystem's lookup and each alias case."""

from __future__ import annotations

from pathlib import Path

import pytest
from vulndb.osv_fixtures import affected, build_db_from_records, osv, rng

from dockgate.catalog.package import OSInfo, Package
from dockgate.match import assess, match_packages
from dockgate.severity import Severity
from dockgate.vulndb import VulnDatabase

DEBIAN = OSInfo("debian", "12")
ALPINE = OSInfo("alpine", "3.18.4")

RECORDS = [
    osv("R-FIXED", [affected("PyPI", "fixedpkg", rng(("introduced", "1.0"), ("fixed", "1.5")))]),
    osv("R-LAST", [affected("PyPI", "lastpkg", rng(("introduced", "0"), ("last_affected", "2.0")))]),
    osv("R-MULTI", [affected("PyPI", "multipkg", rng(("introduced", "1.0"), ("fixed", "1.2"), ("introduced", "2.0"), ("fixed", "2.3")))]),
    osv("R-TWO", [affected("PyPI", "twopkg", rng(("introduced", "0"), ("fixed", "1.0")), rng(("introduced", "3.0")))]),
    osv("R-LIMIT", [affected("PyPI", "limitpkg", rng(("introduced", "0"), ("limit", "4.0")))]),
    osv("R-LIST", [affected("PyPI", "listpkg", versions=["0.9", "7.1"])]),
    osv("R-GIT", [affected("PyPI", "gitpkg", {"type": "GIT", "repo": "https://x", "events": [{"introduced": "0"}, {"fixed": "abc"}]})]),
    osv("R-SEMVER", [affected("npm", "@scope/thing", rng(("introduced", "1.0.0"), ("fixed", "1.4.0-beta.2"), kind="SEMVER"))]),
    osv("R-GOMOD", [affected("Go", "github.com/x/y", rng(("introduced", "0"), ("fixed", "1.2.3"), kind="SEMVER"))]),
    osv("R-STDLIB", [affected("Go", "stdlib", rng(("introduced", "1.19.0"), ("fixed", "1.19.9"), ("introduced", "1.20.0-0"), ("fixed", "1.20.4"), kind="SEMVER"))]),
    osv("R-TOOLCHAIN", [affected("Go", "toolchain", rng(("introduced", "0"), ("fixed", "1.19.10"), kind="SEMVER"))]),
    osv("DSA-1", [affected("Debian:12", "openssl", rng(("introduced", "0"), ("fixed", "3.0.9-1"))), affected("Debian:11", "openssl", rng(("introduced", "0"), ("fixed", "1.1.1n-0+deb11u5")))]),
    osv("CVE-2020-1", [affected("Alpine:v3.18", "busybox", rng(("introduced", "0"), ("fixed", "1.36.1-r2")))]),
    osv("GHSA-aaaa", [affected("PyPI", "dup", rng(("introduced", "0"), ("fixed", "2.0")))], aliases=["CVE-2021-9"],
        severity=[{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]),
    osv("PYSEC-bbbb", [affected("PyPI", "dup", rng(("introduced", "0"), ("fixed", "1.9")))], aliases=["CVE-2021-9"],
        database_specific={"severity": "LOW"}),
    osv("PYSEC-cccc", [affected("PyPI", "dup", rng(("introduced", "0"), ("fixed", "3.0")))], database_specific={"severity": "MODERATE"}),
    osv("R-V4", [affected("PyPI", "v4pkg", rng(("introduced", "0")))],
        severity=[{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}]),
    osv("R-WITHDRAWN", [affected("PyPI", "fixedpkg", rng(("introduced", "0")))], withdrawn="2024-02-01T00:00:00Z"),
]


@pytest.fixture(scope="module")
def rules_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db_from_records(tmp_path_factory.mktemp("rules"), RECORDS)


def pkg(kind: str, name: str, version: str, **extra: str) -> Package:
    return Package(type=kind, name=name, version=version, purl=f"pkg:x/{name}@{version}", path="/x", **extra)  # type: ignore[arg-type]


def ids(db: Path, package: Package, os_info: OSInfo = DEBIAN) -> set[str]:
    with VulnDatabase(db) as database:
        report = match_packages([package], os_info, database)
    return {advisory for finding in report.findings for advisory in finding.ids}


@pytest.mark.parametrize(
    ("name", "version", "expected"),
    [
        ("fixedpkg", "0.9", False), ("fixedpkg", "1.0", True), ("fixedpkg", "1.4.9", True), ("fixedpkg", "1.5", False),
        ("lastpkg", "2.0", True), ("lastpkg", "2.0.1", False),
        ("multipkg", "1.1", True), ("multipkg", "1.5", False), ("multipkg", "2.0", True), ("multipkg", "2.3", False),
        ("twopkg", "0.5", True), ("twopkg", "2.0", False), ("twopkg", "3.0", True), ("twopkg", "99", True),
        ("limitpkg", "3.9", True), ("limitpkg", "4.0", False),
        ("listpkg", "0.9", True), ("listpkg", "7.1", True), ("listpkg", "7.0", False),
        ("gitpkg", "0.1", False),
    ],
)
def test_range_rules(rules_db: Path, name: str, version: str, expected: bool) -> None:
    found = ids(rules_db, pkg("python", name, version))
    assert bool(found) is expected, found


def test_withdrawn_never_matches(rules_db: Path) -> None:
    assert ids(rules_db, pkg("python", "fixedpkg", "1.2")) == {"R-FIXED"}


def test_pypi_names_are_pep503_normalised(rules_db: Path) -> None:
    assert ids(rules_db, pkg("python", "Fixed_Pkg", "1.2")) == set()  # a different project
    assert ids(rules_db, pkg("python", "FIXEDPKG", "1.2")) == {"R-FIXED"}
    assert ids(rules_db, pkg("python", "Multi.Pkg", "1.1")) == set()


def test_npm_scoped_semver_prerelease(rules_db: Path) -> None:
    assert ids(rules_db, pkg("npm", "@scope/thing", "1.4.0-beta.1")) == {"R-SEMVER"}
    assert ids(rules_db, pkg("npm", "@scope/thing", "1.4.0")) == set()
    assert ids(rules_db, pkg("npm", "thing", "1.2.0")) == set()


def test_go_module_and_stdlib(rules_db: Path) -> None:
    assert ids(rules_db, pkg("go-module", "github.com/x/y", "v1.2.2")) == {"R-GOMOD"}
    assert ids(rules_db, pkg("go-module", "github.com/x/y", "v1.2.3")) == set()
    assert ids(rules_db, pkg("go-stdlib", "stdlib", "go1.19.8")) == {"R-STDLIB", "R-TOOLCHAIN"}
    assert ids(rules_db, pkg("go-stdlib", "stdlib", "go1.19.9")) == {"R-TOOLCHAIN"}
    assert ids(rules_db, pkg("go-stdlib", "stdlib", "go1.19.10")) == set()
    assert ids(rules_db, pkg("go-stdlib", "stdlib", "go1.20rc1")) == {"R-STDLIB"}
    assert ids(rules_db, pkg("go-stdlib", "stdlib", "1.20.4")) == set()


@pytest.mark.parametrize("spelling", ["go1.20rc1", "v1.20.0-rc.1", "1.20.0-rc.1", "go1.20.0rc1"])
def test_stdlib_versions_in_toolchain_or_semver_form_match_alike(rules_db: Path, spelling: str) -> None:
    assert ids(rules_db, pkg("go-stdlib", "stdlib", spelling)) == {"R-STDLIB"}


def test_debian_by_source_package_and_release(rules_db: Path) -> None:
    binary = pkg("deb", "libssl3", "3.0.8-1+b1", source_name="openssl", source_version="3.0.8-1")
    assert ids(rules_db, binary) == {"DSA-1"}
    assert ids(rules_db, pkg("deb", "libssl3", "3.0.9-1", source_name="openssl", source_version="3.0.9-1")) == set()
    assert ids(rules_db, binary, OSInfo("debian", "11")) == set()  # 3.0.8 > 1.1.1n fix of Debian 11
    assert ids(rules_db, pkg("deb", "openssl", "0.9-1")) == {"DSA-1"}  # no source fields: own name
    assert ids(rules_db, pkg("deb", "openssl", "1:0.9-1")) == set()  # the epoch makes it newer than the fix


def test_alpine_by_origin_and_minor_release(rules_db: Path) -> None:
    sub = pkg("apk", "ssl_client", "1.36.1-r1", source_name="busybox")
    assert ids(rules_db, sub, ALPINE) == {"CVE-2020-1"}
    assert ids(rules_db, pkg("apk", "busybox", "1.36.1-r2", source_name="busybox"), ALPINE) == set()
    assert ids(rules_db, sub, OSInfo("alpine", "3.17.0")) == set()


def test_aliases_merge_into_one_finding(rules_db: Path) -> None:
    with VulnDatabase(rules_db) as database:
        report = match_packages([pkg("python", "dup", "1.0")], DEBIAN, database)
    merged = [f for f in report.findings if "CVE-2021-9" in f.aliases]
    assert len(merged) == 1 and merged[0].ids == ("GHSA-aaaa", "PYSEC-bbbb")
    assert merged[0].severity is Severity.CRITICAL and merged[0].score == 9.8
    assert merged[0].fixed_versions == ("2.0", "1.9") or set(merged[0].fixed_versions) == {"1.9", "2.0"}
    other = [f for f in report.findings if f.ids == ("PYSEC-cccc",)]
    assert len(other) == 1 and other[0].severity is Severity.MEDIUM and other[0].fix_available


def test_one_advisory_only_once_after_fix(rules_db: Path) -> None:
    with VulnDatabase(rules_db) as database:
        report = match_packages([pkg("python", "dup", "1.95")], DEBIAN, database)
    assert sorted(f.ids for f in report.findings) == [("GHSA-aaaa",), ("PYSEC-cccc",)]


def test_severity_sources() -> None:
    assert assess([["CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N"]], None).severity is Severity.MEDIUM
    v4 = assess([["CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"]], None)
    assert v4.severity is Severity.CRITICAL and v4.score == 9.3
    assert assess([["CVSS_V3", "garbage"]], "high").severity is Severity.HIGH
    assert assess([], None).severity is Severity.UNKNOWN


def test_unparsable_version_is_unmatched_with_warning(rules_db: Path) -> None:
    broken = pkg("python", "fixedpkg", "not a version!")
    unsupported = pkg("rpm", "bash", "5.1-2.fc39")
    with VulnDatabase(rules_db) as database:
        report = match_packages([broken, unsupported, pkg("deb", "x", "1.0")], OSInfo("fedora", "39"), database)  # OSV covers no Fedora
    assert [u.package for u in report.unmatched] == [broken, unsupported, report.unmatched[2].package]
    assert any("fixedpkg" in w and "not a version!" in w for w in report.warnings)
    assert not report.findings


def test_unparsable_version_is_unmatched_even_when_every_range_is_broken(tmp_path: Path) -> None:
    broken_record = osv("R-BROKEN", [affected("PyPI", "oddpkg", rng(("introduced", "0"), ("fixed", "2019-09-12")))])
    db = build_db_from_records(tmp_path, [broken_record], "broken")
    with VulnDatabase(db) as database:
        good = match_packages([pkg("python", "oddpkg", "1.0")], DEBIAN, database)
        bad = match_packages([pkg("python", "oddpkg", "2019-09-12")], DEBIAN, database)
    assert not good.findings and not good.unmatched and any("R-BROKEN" in w and "2019-09-12" in w for w in good.warnings)
    assert [u.package.version for u in bad.unmatched] == ["2019-09-12"] and any("not matched" in w for w in bad.warnings)


def test_missing_ecosystem_is_named(rules_db: Path) -> None:
    with VulnDatabase(rules_db) as database:
        report = match_packages([pkg("apk", "musl", "1.2.4-r0")], ALPINE, database)
    assert report.missing_sources == []  # Alpine rows exist in this database
    only_pypi = build_db_from_records(rules_db.parent, [RECORDS[0]], "pypi-only")
    with VulnDatabase(only_pypi) as database:
        report = match_packages([pkg("apk", "musl", "1.2.4-r0"), pkg("go-module", "a.b/c", "v1.0.0")], ALPINE, database)
    assert report.missing_sources == ["Alpine", "Go"]
