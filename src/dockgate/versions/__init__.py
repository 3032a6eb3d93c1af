"""Version comparators, one module per ecosystem, behind one interface.

``comparator_for(ecosystem)`` returns the comparator for an OSV ecosystem name
("Debian:12", "Alpine:v3.18", "PyPI", "npm", "Go", "Maven", "Red Hat"...). Each comparator
turns a version string into a sort key (``key``), so ranges are compared with plain tuple
ordering and keys can be precomputed. A string the ecosystem cannot parse raises
:class:`VersionError`; callers report the package as unmatched, never drop it silently.
"""

from __future__ import annotations

from typing import Any, Protocol

from dockgate.versions.apk import ApkComparator
from dockgate.versions.base import UnknownEcosystem, VersionError, shown
from dockgate.versions.dpkg import DpkgComparator
from dockgate.versions.go import GoComparator, normalize_go_toolchain
from dockgate.versions.maven import MavenComparator
from dockgate.versions.pypi import PypiComparator
from dockgate.versions.rpm import RpmComparator
from dockgate.versions.rubygems import RubyGemsComparator
from dockgate.versions.semver import NpmComparator, SemverComparator

__all__ = [
    "Comparator",
    "UnknownEcosystem",
    "VersionError",
    "comparator_for",
    "normalize_go_toolchain",
    "supported_ecosystems",
]


class Comparator(Protocol):
    name: str

    def key(self, version: str) -> Any:
        """A totally ordered sort key; raises VersionError when unparsable."""

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1, as a is lower than, equal to or higher than b."""


# One shared instance per ecosystem, so their key caches are shared by every caller.
_COMPARATORS: dict[str, Comparator] = {
    "Debian": DpkgComparator("Debian"),
    "Ubuntu": DpkgComparator("Ubuntu"),
    "Alpine": ApkComparator("Alpine"),
    "Wolfi": ApkComparator("Wolfi"),
    "Chainguard": ApkComparator("Chainguard"),
    "Red Hat": RpmComparator("Red Hat"),
    "Rocky Linux": RpmComparator("Rocky Linux"),
    "AlmaLinux": RpmComparator("AlmaLinux"),
    "openSUSE": RpmComparator("openSUSE"),
    "SUSE": RpmComparator("SUSE"),
    "Mageia": RpmComparator("Mageia"),
    "openEuler": RpmComparator("openEuler"),
    "PyPI": PypiComparator("PyPI"),
    "npm": NpmComparator("npm"),
    "SEMVER": SemverComparator("SEMVER"),
    "crates.io": SemverComparator("crates.io"),
    "Go": GoComparator("Go"),
    "Maven": MavenComparator("Maven"),
    "RubyGems": RubyGemsComparator("RubyGems"),
}


def supported_ecosystems() -> list[str]:
    """The base OSV ecosystem names (without ":release" suffixes) that have a comparator."""
    return sorted(_COMPARATORS)


def comparator_for(ecosystem: str) -> Comparator:
    """The comparator for an OSV ecosystem name, ignoring any ":release" suffix.

    "Debian:12", "Alpine:v3.18", "Ubuntu:22.04:LTS", "Red Hat:enterprise_linux:9" all resolve
    by the part before the first colon. Raises UnknownEcosystem for anything else.
    """
    base = ecosystem.split(":", 1)[0].strip() if isinstance(ecosystem, str) else None
    comparator = _COMPARATORS.get(base) if base is not None else None
    if comparator is None:
        raise UnknownEcosystem(
            f"unknown ecosystem {shown(ecosystem)}: supported are {', '.join(supported_ecosystems())}"
        )
    return comparator
