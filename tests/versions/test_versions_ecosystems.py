"""PyPI, semver/npm, Go and comparator_for: oracles and documented examples."""

from __future__ import annotations

import itertools

import pytest
from packaging.version import Version

from dockgate.errors import InputError
from dockgate.versions import (
    UnknownEcosystem,
    VersionError,
    comparator_for,
    normalize_go_toolchain,
    supported_ecosystems,
)

PEP440_SAMPLES = [
    "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
    "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5",
    "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "1!0.5",
    "1.0.0", "1.0.0.0", "v1.0", "1.0-1", "1.0_a1", "1.0+1.abc", "1.0+abc", "1.0+ABC.1",
    "0.0.0", "2024.1", "1.0.post1+local", "1.0.dev0", "1.0a0", "1.0c1", "1.0pre1", "1.0r1",
    "1!1.0.dev1", "1.0+1.2.3", "1.0+1.2", "1.0+01",
]


def test_pypi_order_matches_packaging_on_every_pair() -> None:
    pypi = comparator_for("PyPI")
    for a, b in itertools.product(PEP440_SAMPLES, repeat=2):
        expected = (Version(a) > Version(b)) - (Version(a) < Version(b))
        assert pypi.compare(a, b) == expected, (a, b)


@pytest.mark.parametrize("legacy", ["1.0-SNAPSHOT-x", "dev", "1.0.0.final.x", "2.0beta-3x", "", " ", "1..0"])
def test_pypi_rejects_legacy_versions(legacy: str) -> None:
    with pytest.raises(VersionError, match="PyPI"):
        comparator_for("PyPI").key(legacy)


# semver.org, section 11: the precedence examples, in increasing order.
SEMVER_ORG_CHAINS = [
    ["1.0.0", "2.0.0", "2.1.0", "2.1.1"],
    ["1.0.0-alpha", "1.0.0"],
    ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
     "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"],
]


@pytest.mark.parametrize("ecosystem", ["SEMVER", "npm", "Go", "crates.io"])
@pytest.mark.parametrize("chain", SEMVER_ORG_CHAINS)
def test_semver_org_precedence_examples(ecosystem: str, chain: list[str]) -> None:
    comparator = comparator_for(ecosystem)
    for i, low in enumerate(chain):
        for high in chain[i + 1:]:
            assert comparator.compare(low, high) == -1, (low, high)
            assert comparator.compare(high, low) == 1


def test_semver_build_metadata_is_ignored() -> None:
    semver = comparator_for("SEMVER")
    assert semver.compare("1.0.0-alpha+001", "1.0.0-alpha") == 0
    assert semver.compare("1.0.0+20130313144700", "1.0.0+exp.sha.5114f85") == 0
    assert semver.compare("1.0.0-beta+exp.sha.5114f85", "1.0.0-beta.1") == -1


@pytest.mark.parametrize("bad", ["1.0", "01.0.0", "1.0.0-01", "1.0.0-", "1.0.0+", "v1.0.0", "1.0.0-a..b", "１.0.0"])
def test_semver_strict_rejects(bad: str) -> None:
    with pytest.raises(VersionError, match="SEMVER"):
        comparator_for("SEMVER").key(bad)


def test_npm_tolerates_v_and_equals_prefixes() -> None:
    npm = comparator_for("npm")
    for spelled in ["v1.2.3", "=1.2.3", "=v1.2.3", " 1.2.3 ", "v1.2.3+build"]:
        assert npm.compare(spelled, "1.2.3") == 0
    with pytest.raises(VersionError, match="npm"):
        npm.key("1.2")


def test_go_pseudo_versions_sort_as_prereleases() -> None:
    go = comparator_for("Go")
    chain = [
        "v0.0.0-20191109021931-daa7c04131f5",
        "v0.0.0-20200101000000-aaaaaaaaaaaa",
        "v0.1.0",
        "v1.2.3",
        "v1.2.4-0.20191109021931-daa7c04131f5",  # pseudo-version after v1.2.3
        "v1.2.4-pre",
        "v1.2.4-pre.0.20200101000000-abcdefabcdef",  # pseudo-version after v1.2.4-pre
        "v1.2.4",
    ]
    for i, low in enumerate(chain):
        for high in chain[i + 1:]:
            assert go.compare(low, high) == -1, (low, high)


def test_go_incompatible_and_prefixless_forms() -> None:
    go = comparator_for("Go")
    assert go.compare("v2.0.0+incompatible", "v2.0.0") == 0
    assert go.compare("v2.0.1+incompatible", "v2.0.0") == 1
    assert go.compare("1.20.3", "v1.20.3") == 0  # OSV writes Go ranges without the "v"
    assert go.compare("v1", "v1.0.0") == 0
    assert go.compare("v1.2", "v1.2.0") == 0


@pytest.mark.parametrize(
    ("toolchain", "semver"),
    [
        ("go1.19.8", "1.19.8"), ("1.19.8", "1.19.8"), ("go1.21rc2", "1.21.0-rc.2"),
        ("go1.20beta1", "1.20.0-beta.1"), ("go1.20", "1.20.0"), ("1.19", "1.19.0"), ("go1", "1.0.0"),
    ],
)
def test_normalize_go_toolchain(toolchain: str, semver: str) -> None:
    assert normalize_go_toolchain(toolchain) == semver
    assert comparator_for("Go").compare(toolchain, semver) == 0


def test_go_toolchain_order() -> None:
    go = comparator_for("Go")
    chain = ["go1.20beta1", "go1.20rc1", "go1.20", "go1.20.1", "go1.21rc2", "go1.21.0", "1.21.1", "go1.22"]
    assert sorted(chain, key=go.key) == chain


@pytest.mark.parametrize("bad", ["go", "gox1.2", "go1.2.3.4", "v1.2.3.4", "1.2.3-", "latest", "vv1.0.0"])
def test_go_rejects(bad: str) -> None:
    with pytest.raises(VersionError, match="Go"):
        comparator_for("Go").key(bad)
    if bad.startswith("go"):
        with pytest.raises(VersionError):
            normalize_go_toolchain(bad)


@pytest.mark.parametrize(
    ("ecosystem", "name"),
    [
        ("Debian:12", "Debian"), ("Debian", "Debian"), ("Ubuntu:22.04:LTS", "Ubuntu"),
        ("Ubuntu:Pro:18.04:LTS", "Ubuntu"), ("Alpine:v3.18", "Alpine"), ("Red Hat", "Red Hat"),
        ("Red Hat:enterprise_linux:9::appstream", "Red Hat"), ("Rocky Linux:9", "Rocky Linux"),
        ("AlmaLinux:8", "AlmaLinux"), ("PyPI", "PyPI"), ("npm", "npm"), ("Go", "Go"),
        ("Maven", "Maven"), ("crates.io", "crates.io"), ("SEMVER", "SEMVER"), ("Wolfi", "Wolfi"), ("RubyGems", "RubyGems"),
    ],
)
def test_comparator_for_maps_osv_names(ecosystem: str, name: str) -> None:
    comparator = comparator_for(ecosystem)
    assert comparator.name == name
    assert comparator is comparator_for(ecosystem)  # shared instance: one key cache


def test_debian_and_ubuntu_share_dpkg_rules() -> None:
    assert comparator_for("Ubuntu:22.04:LTS").compare("1.0~rc1", "1.0") == -1
    assert comparator_for("Ubuntu").key("1:2.0-1ubuntu1") == comparator_for("Debian").key("1:2.0-1ubuntu1")


@pytest.mark.parametrize("unknown", ["", "Debain:12", "NuGet", "debian", 42, None])
def test_unknown_ecosystem(unknown: object) -> None:
    with pytest.raises(UnknownEcosystem) as raised:
        comparator_for(unknown)  # type: ignore[arg-type]
    assert isinstance(raised.value, InputError)
    assert "\n" not in str(raised.value)
    assert "Debian" in str(raised.value)  # lists what is supported


def test_supported_ecosystems_lists_the_base_names() -> None:
    names = supported_ecosystems()
    for required in ["Debian", "Ubuntu", "Alpine", "Red Hat", "Rocky Linux", "AlmaLinux", "PyPI", "npm", "Go", "Maven"]:
        assert required in names


def test_rpm_epoch_and_release() -> None:
    rpm = comparator_for("Rocky Linux:9")
    assert rpm.compare("1:1.0-1.el9", "2.0-1.el9") == 1
    assert rpm.compare("0:1.0-1.el9", "1.0-1.el9") == 0
    assert rpm.compare("1.0-1.el9", "1.0-1.el9_1") == -1
    assert rpm.compare("1.0-2.el9", "1.0-10.el9") == -1
    assert rpm.compare("1.0", "1.0-1") == -1  # a missing release sorts below any release


def test_alpine_revisions_and_suffixes() -> None:
    alpine = comparator_for("Alpine:v3.19")
    chain = ["1.2.3_alpha", "1.2.3_beta2", "1.2.3_pre1", "1.2.3_rc1", "1.2.3", "1.2.3-r1",
             "1.2.3-r10", "1.2.3_p1", "1.2.3a", "1.2.3.1", "1.2.4"]
    assert sorted(chain, key=alpine.key) == chain
