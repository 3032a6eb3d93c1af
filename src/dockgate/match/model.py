"""What matching produces: findings (one per package and merged advisory group) and the
packages that could not be matched, with the reason; and the lookups it makes."""

from __future__ import annotations

from dataclasses import dataclass, field

from dockgate.catalog.package import Package
from dockgate.severity import Severity


@dataclass
class VulnFinding:
    package: Package
    ecosystem: str  # OSV ecosystem looked up, e.g. "Debian:12"
    lookup_name: str  # OSV package name looked up (source package, PEP 503 name, "stdlib"...)
    lookup_version: str
    id: str  # primary advisory id (first of ``ids``)
    ids: tuple[str, ...]  # every advisory merged into this finding
    aliases: tuple[str, ...]  # other identifiers (CVE, GHSA...) not among ``ids``
    summary: str
    severity: Severity
    score: float | None
    vector: str | None
    fixed_versions: tuple[str, ...]
    references: tuple[str, ...] = ()

    @property
    def fix_available(self) -> bool:
        return bool(self.fixed_versions)

    @property
    def identifiers(self) -> frozenset[str]:
        return frozenset(self.ids) | frozenset(self.aliases)


@dataclass(slots=True)
class Lookup:
    """One (OSV ecosystem, name, version) a package is looked up under."""

    ecosystem: str
    name: str
    version: str


class NotMatchable(Exception):
    """Why a package cannot be looked up; it is reported as unmatched, never dropped."""


@dataclass(frozen=True)
class Unmatched:
    package: Package
    reason: str


@dataclass
class MatchReport:
    findings: list[VulnFinding] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing_sources: list[str] = field(default_factory=list)  # e.g. ["Debian"]: not in the database
