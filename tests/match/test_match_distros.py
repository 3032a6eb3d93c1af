"""Hand-written OSV records in each distribution's own conventions pin which ecosystem strings,
package names and versions distribution packages are looked up under."""

from __future__ import annotations

from pathlib import Path

import pytest
from vulndb.osv_fixtures import affected, build_db_from_records, osv, rng

from dockgate.catalog.package import OSInfo, Package
from dockgate.match import lookups_for, match_packages
from dockgate.match.model import MatchReport
from dockgate.vulndb import VulnDatabase

JAMMY = OSInfo("ubuntu", "22.04", "Ubuntu 22.04.3 LTS", "jammy")
FOCAL = OSInfo("ubuntu", "20.04", "Ubuntu 20.04.6 LTS", "focal")
ORACULAR = OSInfo("ubuntu", "24.10", "Ubuntu 24.10", "oracular")
UBI9 = OSInfo("rhel", "9.3", "Red Hat Enterprise Linux 9.3 (Plow)")


def unfixed() -> dict:
    return rng(("introduced", "0"))


def fixed(version: str) -> dict:
    return rng(("introduced", "0"), ("fixed", version))


RECORDS = [
    # Ubuntu: source package names, "Ubuntu:<YY.MM>:LTS", interim "Ubuntu:<YY.MM>", ESM fixes in "Ubuntu:Pro:<YY.MM>:LTS"
    osv("UBUNTU-CVE-2024-1", [affected("Ubuntu:22.04:LTS", "openssl", fixed("3.0.2-0ubuntu1.15")), affected("Ubuntu:20.04:LTS", "openssl", fixed("1.1.1f-1ubuntu2.22"))]),
    osv("UBUNTU-CVE-2024-2", [affected("Ubuntu:20.04:LTS", "openssl", unfixed())]),
    osv("UBUNTU-CVE-2024-3", [affected("Ubuntu:24.10", "openssl", fixed("3.3.1-2ubuntu2.1"))]),
    osv("UBUNTU-CVE-2024-4", [affected("Ubuntu:22.04:LTS", "imagemagick", unfixed()), affected("Ubuntu:Pro:22.04:LTS", "imagemagick", fixed("8:6.9.11.60+dfsg-1.3ubuntu0.22.04.5+esm1"))]),
    osv("UBUNTU-CVE-2024-5", [affected("Ubuntu:Pro:22.04:LTS", "curl", fixed("7.81.0-1ubuntu1.16+esm1"))]),
    # Red Hat: binary RPM names, "epoch:version-release", one ecosystem per product stream (CPE)
    osv("RHSA-2024:1", [affected("Red Hat:enterprise_linux:9::baseos", "openssl-libs", fixed("1:3.0.7-27.el9")), affected("Red Hat:enterprise_linux:9::appstream", "openssl-perl", fixed("1:3.0.7-27.el9"))]),
    osv("RHSA-2024:2", [affected("Red Hat:enterprise_linux:8::baseos", "openssl-libs", unfixed())]),
    osv("RHSA-2024:3", [affected("Red Hat:enterprise_linux:9::appstream", "python3.11", fixed("0:3.11.7-1.el9"))]),
    osv("RHSA-2025:4", [affected("Red Hat:enterprise_linux:10.1", "openssl-libs", fixed("1:3.2.2-16.el10_1"))]),
    # Rocky Linux: source RPM names; AlmaLinux: binary RPM names
    osv("RLSA-2024:1", [affected("Rocky Linux:9", "openssl", fixed("1:3.0.7-27.el9")), affected("Rocky Linux:8", "openssl", unfixed())]),
    osv("ALSA-2024:1", [affected("AlmaLinux:9", "openssl-libs", fixed("1:3.0.7-27.el9"))]),
    osv("ALSA-2024:2", [affected("AlmaLinux:9", "vim", fixed("2:8.2.2637-21.el9"))]),
    # Wolfi and Chainguard: no release suffix, apk origin names
    osv("CGA-aaaa-bbbb-cccc", [affected("Wolfi", "glibc", fixed("2.39-r5"))]),
    osv("CGA-dddd-eeee-ffff", [affected("Chainguard", "glibc", fixed("2.39-r6"))]),
    # openSUSE / SUSE: source RPM names, marketing names; SLE 15 base packages filed under their module
    osv("openSUSE-SU-2024:1", [affected("openSUSE:Leap 15.5", "openssl-1_1", fixed("1.1.1l-150500.17.34.1"))]),
    osv("SUSE-SU-2024:1", [affected("SUSE:Linux Enterprise Module for Basesystem 15 SP5", "openssl-3", fixed("3.0.8-150500.5.40.1")), affected("SUSE:Linux Enterprise Module for Basesystem 15 SP6", "openssl-3", unfixed())]),
]


@pytest.fixture(scope="module")
def distro_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db_from_records(tmp_path_factory.mktemp("distros"), RECORDS)


def pkg(kind: str, name: str, version: str, **extra: str) -> Package:
    return Package(type=kind, name=name, version=version, purl=f"pkg:{kind}/{name}@{version}", path="/x", **extra)  # type: ignore[arg-type]


def report(db: Path, os_info: OSInfo, *packages: Package) -> MatchReport:
    with VulnDatabase(db) as database:
        return match_packages(list(packages), os_info, database)


def ids(db: Path, package: Package, os_info: OSInfo) -> set[str]:
    return {advisory for finding in report(db, os_info, package).findings for advisory in finding.ids}


def libssl(version: str) -> Package:
    return pkg("deb", "libssl3", version, source_name="openssl", source_version=version)


def test_ubuntu_lts_by_source_package_in_its_own_release_only(distro_db: Path) -> None:
    assert ids(distro_db, libssl("3.0.2-0ubuntu1.10"), JAMMY) == {"UBUNTU-CVE-2024-1"}  # not the 20.04 or 24.10 entries
    assert ids(distro_db, libssl("3.0.2-0ubuntu1.15"), JAMMY) == set()
    assert ids(distro_db, pkg("deb", "libssl3", "3.0.2-0ubuntu1.10"), JAMMY) == set()  # a binary name is not an OSV name
    found = report(distro_db, JAMMY, libssl("3.0.2-0ubuntu1.10")).findings
    assert [(f.ecosystem, f.lookup_name, f.fixed_versions) for f in found] == [("Ubuntu:22.04:LTS", "openssl", ("3.0.2-0ubuntu1.15",))]
    assert ids(distro_db, libssl("1.1.1f-1ubuntu2.20"), FOCAL) == {"UBUNTU-CVE-2024-1", "UBUNTU-CVE-2024-2"}


def test_ubuntu_interim_release_has_no_lts_suffix(distro_db: Path) -> None:
    assert ids(distro_db, libssl("3.3.1-2ubuntu2"), ORACULAR) == {"UBUNTU-CVE-2024-3"}
    assert ids(distro_db, libssl("3.3.1-2ubuntu2.1"), ORACULAR) == set()
    assert [lookup.ecosystem for lookup in lookups_for(libssl("1"), ORACULAR)] == ["Ubuntu:24.10"]


def test_ubuntu_lts_is_known_without_pretty_name(distro_db: Path) -> None:
    # SBOMs often carry only "ubuntu-22.04": even-year .04 releases are the LTS ones
    assert [lookup.ecosystem for lookup in lookups_for(libssl("1"), OSInfo("ubuntu", "22.04"))] == ["Ubuntu:22.04:LTS", "Ubuntu:Pro:22.04:LTS"]
    assert ids(distro_db, libssl("3.0.2-0ubuntu1.10"), OSInfo("ubuntu", "22.04.3")) == {"UBUNTU-CVE-2024-1"}


def test_ubuntu_pro_advisories_are_looked_up_on_lts(distro_db: Path) -> None:
    curl = pkg("deb", "libcurl4", "7.81.0-1ubuntu1.15", source_name="curl", source_version="7.81.0-1ubuntu1.15")
    found = report(distro_db, JAMMY, curl).findings
    assert [(f.id, f.ecosystem, f.fixed_versions) for f in found] == [("UBUNTU-CVE-2024-5", "Ubuntu:Pro:22.04:LTS", ("7.81.0-1ubuntu1.16+esm1",))]
    patched = pkg("deb", "libcurl4", "7.81.0-1ubuntu1.16+esm1", source_name="curl", source_version="7.81.0-1ubuntu1.16+esm1")
    assert ids(distro_db, patched, JAMMY) == set()
    # affected in both the LTS and the Pro entry of one advisory: one finding, not two
    magick = pkg("deb", "libmagickcore-6.q16-6", "8:6.9.11.60+dfsg-1.3ubuntu0.22.04.3", source_name="imagemagick")
    merged = report(distro_db, JAMMY, magick).findings
    assert [(f.id, f.ecosystem) for f in merged] == [("UBUNTU-CVE-2024-4", "Ubuntu:22.04:LTS")]
    assert merged[0].fixed_versions == ("8:6.9.11.60+dfsg-1.3ubuntu0.22.04.5+esm1",)  # the fix only Pro ships
    assert ids(distro_db, curl, ORACULAR) == set()  # Pro is for LTS releases only


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1:3.0.7-24.el9", {"RHSA-2024:1"}),
        ("1:3.0.7-27.el9", set()),
        ("3.0.7-30.el9", {"RHSA-2024:1"}),  # no epoch is epoch 0, below the fix's 1:
        ("2:1.0-1.el9", set()),  # a higher epoch wins whatever the version
    ],
)
def test_red_hat_binary_rpm_with_epoch(distro_db: Path, version: str, expected: set[str]) -> None:
    package = pkg("rpm", "openssl-libs", version, source_name="openssl", source_version=version)
    assert ids(distro_db, package, UBI9) == expected  # never the RHEL 8 stream's RHSA-2024:2


def test_red_hat_looks_up_every_repository_of_the_release(distro_db: Path) -> None:
    perl = pkg("rpm", "openssl-perl", "1:3.0.7-24.el9", source_name="openssl")
    python = pkg("rpm", "python3.11", "3.11.5-1.el9", source_name="python3.11")
    found = report(distro_db, UBI9, perl, python).findings
    assert {(f.id, f.ecosystem) for f in found} == {("RHSA-2024:1", "Red Hat:enterprise_linux:9::appstream"), ("RHSA-2024:3", "Red Hat:enterprise_linux:9::appstream")}
    assert ids(distro_db, pkg("rpm", "python3.11", "3.11.7-1.el9"), UBI9) == set()  # OSV's explicit 0: epoch equals none
    assert [lookup.ecosystem for lookup in lookups_for(perl, OSInfo("rhel", "7.9"))] == ["Red Hat:enterprise_linux:7::server"]


def test_red_hat_10_minor_release_streams(distro_db: Path) -> None:
    package = pkg("rpm", "openssl-libs", "1:3.2.2-6.el10", source_name="openssl")
    assert ids(distro_db, package, OSInfo("rhel", "10.0")) == {"RHSA-2025:4"}  # fixed in a later minor release
    ecosystems = [lookup.ecosystem for lookup in lookups_for(package, OSInfo("rhel", "10.2"))]
    assert ecosystems[0] == "Red Hat:enterprise_linux:10.2" and "Red Hat:enterprise_linux:10.0" in ecosystems


def test_rocky_by_source_rpm_and_alma_by_binary_rpm(distro_db: Path) -> None:
    libs = pkg("rpm", "openssl-libs", "1:3.0.7-24.el9", source_name="openssl", source_version="1:3.0.7-24.el9")
    assert ids(distro_db, libs, OSInfo("rocky", "9.3")) == {"RLSA-2024:1"}
    assert ids(distro_db, pkg("rpm", "openssl-libs", "1:3.0.7-27.el9", source_name="openssl"), OSInfo("rocky", "9.3")) == set()
    assert ids(distro_db, libs, OSInfo("almalinux", "9.3")) == {"ALSA-2024:1"}
    assert ids(distro_db, libs, OSInfo("almalinux", "8.9")) == set()
    # an advisory listing only the source RPM still reaches its binaries
    vim = pkg("rpm", "vim-minimal", "2:8.2.2637-20.el9_1", source_name="vim", source_version="2:8.2.2637-20.el9_1")
    assert ids(distro_db, vim, OSInfo("almalinux", "9.1")) == {"ALSA-2024:2"}


def test_wolfi_and_chainguard_by_origin_without_release(distro_db: Path) -> None:
    locale = pkg("apk", "glibc-locale-posix", "2.39-r4", source_name="glibc")
    assert ids(distro_db, locale, OSInfo("wolfi", "20230201", "Wolfi")) == {"CGA-aaaa-bbbb-cccc"}
    assert ids(distro_db, locale, OSInfo("wolfi")) == {"CGA-aaaa-bbbb-cccc"}  # rolling: no VERSION_ID needed
    assert ids(distro_db, locale, OSInfo("chainguard", "20230214")) == {"CGA-dddd-eeee-ffff"}
    assert ids(distro_db, pkg("apk", "glibc", "2.39-r5", source_name="glibc"), OSInfo("wolfi")) == set()


def test_opensuse_and_sle_by_source_rpm(distro_db: Path) -> None:
    libssl1 = pkg("rpm", "libopenssl1_1", "1.1.1l-150500.17.25.1", source_name="openssl-1_1")
    assert ids(distro_db, libssl1, OSInfo("opensuse-leap", "15.5", "openSUSE Leap 15.5")) == {"openSUSE-SU-2024:1"}
    assert ids(distro_db, libssl1, OSInfo("opensuse-leap", "15.6")) == set()
    libssl3 = pkg("rpm", "libopenssl3", "3.0.8-150500.5.35.1", source_name="openssl-3")
    assert ids(distro_db, libssl3, OSInfo("sles", "15.5", "SUSE Linux Enterprise Server 15 SP5")) == {"SUSE-SU-2024:1"}
    assert ids(distro_db, pkg("rpm", "libopenssl3", "3.0.8-150500.5.40.1", source_name="openssl-3"), OSInfo("sles", "15.5")) == set()
    assert lookups_for(libssl3, OSInfo("sles", "15.5"))[0].ecosystem == "SUSE:Linux Enterprise Server 15 SP5"
    assert lookups_for(libssl3, OSInfo("opensuse-tumbleweed", "20240801"))[0].ecosystem == "openSUSE:Tumbleweed"


@pytest.mark.parametrize(
    ("package", "os_info", "reason"),
    [
        (pkg("rpm", "openssl-libs", "1:1.0.2k-26.el7_9", source_name="openssl"), OSInfo("centos", "7"), "rpm package on centos 7: OSV has no ecosystem"),
        (pkg("rpm", "openssl", "3.1.1-4.fc39"), OSInfo("fedora", "39"), "OSV has no ecosystem"),
        (pkg("deb", "libssl3", "3.0.2", source_name="openssl"), OSInfo("ubuntu", ""), "Ubuntu without a VERSION_ID"),
        (pkg("deb", "libssl3", "3.0.2"), OSInfo("ubuntu", "jammy"), "does not name a release"),
        (pkg("rpm", "openssl-libs", "1:3.0.7-24.el9"), OSInfo("rhel", ""), "Red Hat Enterprise Linux without a VERSION_ID"),
        (pkg("deb", "libssl3", "3.0.2"), OSInfo(""), "unidentified OS"),
        (pkg("rpm", "openssl", "1-1"), JAMMY, "OSV covers ubuntu deb packages only"),
    ],
)
def test_uncovered_distributions_stay_unmatched_with_a_reason(distro_db: Path, package: Package, os_info: OSInfo, reason: str) -> None:
    result = report(distro_db, os_info, package)
    assert result.findings == []
    assert [u.package for u in result.unmatched] == [package]
    assert reason in result.unmatched[0].reason
