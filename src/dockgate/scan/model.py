"""The result of a scan: vulnerability findings kept, those suppressed (ignore file, VEX),
packages not matched, warnings, and room for other finding kinds (secrets, config)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dockgate.catalog.package import OSInfo
from dockgate.match.model import Unmatched, VulnFinding
from dockgate.scan.ignore import IgnoreRule
from dockgate.severity import Severity
from dockgate.vulndb.store import DatabaseStatus


@dataclass
class ScanOptions:
    target: str
    platform: str | None = None
    max_file_size: int | None = None
    db_path: Path | None = None
    severities: frozenset[Severity] | None = None  # None = every severity, UNKNOWN included
    ignore_unfixed: bool = False
    ignore_file: Path | None = None  # None = ./.dockgateignore when present
    use_default_ignore_file: bool = True  # read ./.dockgateignore when ignore_file is None
    vex_files: tuple[Path, ...] = ()
    scanners: tuple[str, ...] = ("vuln", "secret")
    today: datetime.date | None = None  # for expiry checks (tests); default today (UTC)
    transport: Any = None  # dockgate.registry.TransportOptions for registry images (None: defaults)


@dataclass(frozen=True)
class Suppressed:
    finding: VulnFinding
    by: str  # "ignore" or "vex"
    reason: str  # the ignore entry's reason, or the VEX justification
    status: str = ""  # VEX status ("not_affected", "fixed")
    source: str = ""  # ignore file or VEX document path


@dataclass(frozen=True)
class TargetInfo:
    reference: str
    kind: str  # "image" or "sbom"
    name: str
    digest: str | None
    os: OSInfo


@dataclass
class ScanResult:
    target: TargetInfo
    package_count: int
    vulnerabilities: list[VulnFinding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    filtered_out: int = 0  # findings hidden by --severity / --ignore-unfixed
    expired_ignores: list[IgnoreRule] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    database: DatabaseStatus | None = None
    scanners: tuple[str, ...] = ("vuln",)
    other_findings: dict[str, list[Any]] = field(default_factory=dict)  # e.g. {"secret": [...]} from plugged scanners
    inventory: Any = None  # dockgate.inventory.Inventory for image targets (see run.result_inventory)
    sbom: Any = None  # dockgate.scan.sbom_input.SbomInput for SBOM targets

    @property
    def has_findings(self) -> bool:
        return bool(self.vulnerabilities) or any(self.other_findings.values())
