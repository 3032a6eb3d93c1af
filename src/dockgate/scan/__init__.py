"""``dockgate scan``: an image or an SBOM file against the vulnerability database.

Public API: :func:`scan` with :class:`ScanOptions` -> :class:`ScanResult`;
:func:`read_sbom`; :func:`register_scanner` for other finding kinds (secrets, config);
:func:`gate_scan_outcome` for the policy gate.
"""

from __future__ import annotations

from dockgate.scan.model import ScanOptions, ScanResult, Suppressed, TargetInfo
from dockgate.scan.plugins import register_scanner
from dockgate.scan.run import parse_scanners, scan
from dockgate.scan.sbom_input import SbomInput, read_sbom, sniff_sbom

__all__ = [
    "ScanOptions",
    "ScanResult",
    "SbomInput",
    "Suppressed",
    "TargetInfo",
    "gate_scan_outcome",
    "parse_scanners",
    "read_sbom",
    "register_scanner",
    "scan",
    "sniff_sbom",
]


def gate_scan_outcome(image: str):  # noqa: ANN201 - returns dockgate.gate.vulnerabilities.ScanOutcome
    """Scan ``image`` with the default database for the policy gate (no ignore file, no VEX)."""
    from dockgate.gate.vulnerabilities import ScanOutcome, VulnerabilityHit

    result = scan(ScanOptions(target=image, scanners=("vuln",), use_default_ignore_file=False))
    hits = tuple(
        VulnerabilityHit(
            id=f.id,
            package=f.package.name,
            version=f.package.version,
            severity=f.severity,
            fixed_version=f.fixed_versions[0] if f.fixed_versions else None,
            aliases=tuple(x for x in (*f.ids[1:], *f.aliases)),
        )
        for f in result.vulnerabilities
    )
    database = result.database
    built = database.built_at if database and database.built else None
    version = f"osv {database.built}" if database else "none"
    return ScanOutcome(image=image, digest=result.target.digest, hits=hits, database_built=built, database_version=version)
