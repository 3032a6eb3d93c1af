"""Version comparators, one module per ecosystem, behind one interface.

``comparator_for(ecosystem)`` returns the comparator for an OSV ecosystem name
("Debian:12", "Alpine:v3.18", "PyPI", "npm", "Go", "Maven", "Red Hat"...). Each comparator
turns a version string into a sort key (``key``), so ranges are compared with plain tuple
ordering and keys can be precomputed. A string the ecosystem cannot parse raises
:class:`VersionError`; callers report the package as unmatched, never drop it silently.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

from dockgate.versions.base import UnknownEcosystem, VersionError, shown
from dockgate.versions.go import normalize_go_toolchain

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

    def sort_key(self, version: str) -> str:
        """``key`` encoded as a string with the same order (dockgate.versions.sortkey)."""

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1, as a is lower than, equal to or higher than b."""


# Where each ecosystem's comparator lives: (module, class). One shared instance per ecosystem,
# made on first use (so a scan imports only the orderings it needs, and their key caches are
# shared by every caller).
_IMPLEMENTATIONS: dict[str, tuple[str, str]] = {
    "Debian": ("dpkg", "DpkgComparator"),
    "Ubuntu": ("dpkg", "DpkgComparator"),
    "Alpine": ("apk", "ApkComparator"),
    "Wolfi": ("apk", "ApkComparator"),
    "Chainguard": ("apk", "ApkComparator"),
    "Red Hat": ("rpm", "RpmComparator"),
    "Rocky Linux": ("rpm", "RpmComparator"),
    "AlmaLinux": ("rpm", "RpmComparator"),
    "openSUSE": ("rpm", "RpmComparator"),
    "SUSE": ("rpm", "RpmComparator"),
    "Mageia": ("rpm", "RpmComparator"),
    "openEuler": ("rpm", "RpmComparator"),
    "PyPI": ("pypi", "PypiComparator"),
    "npm": ("semver", "NpmComparator"),
    "SEMVER": ("semver", "SemverComparator"),
    "crates.io": ("semver", "SemverComparator"),
    "Go": ("go", "GoComparator"),
    "Maven": ("maven", "MavenComparator"),
    "RubyGems": ("rubygems", "RubyGemsComparator"),
}
_COMPARATORS: dict[str, Comparator] = {}


def supported_ecosystems() -> list[str]:
    """The base OSV ecosystem names (without ":release" suffixes) that have a comparator."""
    return sorted(_IMPLEMENTATIONS)


def comparator_for(ecosystem: str) -> Comparator:
    """The comparator for an OSV ecosystem name, ignoring any ":release" suffix.

    "Debian:12", "Alpine:v3.18", "Ubuntu:22.04:LTS", "Red Hat:enterprise_linux:9" all resolve
    by the part before the first colon. Raises UnknownEcosystem for anything else.
    """
    base = ecosystem.split(":", 1)[0].strip() if isinstance(ecosystem, str) else None
    comparator = _COMPARATORS.get(base) if base is not None else None
    if comparator is None:
        where = _IMPLEMENTATIONS.get(base) if base is not None else None
        if where is None or base is None:
            raise UnknownEcosystem(
                f"unknown ecosystem {shown(ecosystem)}: supported are {', '.join(supported_ecosystems())}"
            )
        module, name = where
        comparator = _COMPARATORS[base] = getattr(importlib.import_module(f"dockgate.versions.{module}"), name)(base)
    return comparator
