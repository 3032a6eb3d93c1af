"""``scan`` orchestration: target -> packages -> matches -> ignore/VEX -> filters -> result."""

from __future__ import annotations

import datetime
from pathlib import Path

from dockgate.catalog.package import OSInfo, Package
from dockgate.errors import UsageError
from dockgate.match.matcher import match_packages
from dockgate.match.model import VulnFinding
from dockgate.scan.ignore import IgnoreRule, load_ignore_file
from dockgate.scan.model import ScanOptions, ScanResult, Suppressed, TargetInfo
from dockgate.scan.plugins import KNOWN_SCANNERS, scanner_factory
from dockgate.scan.sbom_input import SbomInput, read_sbom, sniff_sbom
from dockgate.scan.vex import VexStatement, load_vex, vex_suppression
from dockgate.vulndb import STALE_AFTER, VulnDatabase, resolve_db_path

DEFAULT_IGNORE_FILE = ".dockgateignore"


def parse_scanners(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [n for n in names if n not in KNOWN_SCANNERS]
    if unknown or not names:
        raise UsageError(f"unknown scanner(s) {', '.join(unknown) or '(none)'}: choose from {', '.join(KNOWN_SCANNERS)}")
    return names


def scan(options: ScanOptions) -> ScanResult:
    """Run the scan ``options`` describe; raises DockgateError on bad input."""
    rules = _ignore_rules(options)
    statements: list[VexStatement] = [s for path in options.vex_files for s in load_vex(path)]
    plugged = {}
    warnings: list[str] = []
    for name in options.scanners:
        if name == "vuln":
            continue
        factory = scanner_factory(name)
        if factory is None:
            warnings.append(f"the {name} scanner is not available in this build; skipped")
        else:
            plugged[name] = factory()
    database = VulnDatabase(resolve_db_path(str(options.db_path) if options.db_path else None)) if "vuln" in options.scanners else None
    try:
        target, packages, inventory, target_warnings = _load_target(options, [p.visitor for p in plugged.values() if p.visitor is not None])
        result = ScanResult(target=target, package_count=len(packages), scanners=options.scanners, warnings=warnings + target_warnings)
        if target.kind == "sbom":
            result.sbom = inventory
        else:
            result.inventory = inventory
        if database is not None:
            _vulnerabilities(result, packages, target.os, database, options, rules, statements)
        for name, scanner in plugged.items():
            found = scanner.findings(inventory if target.kind == "image" else None)
            kept = [f for f in found if options.severities is None or getattr(f, "severity", None) in options.severities]
            result.filtered_out += len(found) - len(kept)
            result.other_findings[name] = kept
    finally:
        if database is not None:
            database.close()
    return result


def _ignore_rules(options: ScanOptions) -> list[IgnoreRule]:
    path = options.ignore_file
    if path is None:
        default = Path(DEFAULT_IGNORE_FILE)
        return load_ignore_file(default) if options.use_default_ignore_file and default.is_file() else []
    if not path.is_file():
        raise UsageError(f"ignore file {path} does not exist")
    return load_ignore_file(path)


def _load_target(options: ScanOptions, visitors: list) -> tuple[TargetInfo, list[Package], object, list[str]]:
    path = Path(options.target)
    if path.is_file() and sniff_sbom(path):
        sbom = read_sbom(path)
        return TargetInfo(options.target, "sbom", sbom.name, None, sbom.os), sbom.packages, sbom, sbom.warnings
    from dockgate.inventory import build_inventory

    inventory = build_inventory(options.target, platform=options.platform, visitors=visitors, max_file_size=options.max_file_size, transport=options.transport)
    image = inventory.image
    info = TargetInfo(options.target, "image", image.name, image.manifest_digest or image.config_digest, inventory.os)
    return info, inventory.packages, inventory, list(inventory.warnings)


def result_inventory(result: ScanResult) -> object:
    """The scanned Inventory; for an SBOM target one is rebuilt from the file's content."""
    if result.inventory is None and result.sbom is not None:
        result.inventory = _sbom_inventory(result.target.reference, result.sbom)
    return result.inventory


def _sbom_inventory(reference: str, sbom: SbomInput) -> object:
    from dockgate.inventory import ImageInfo, Inventory

    info = ImageInfo(reference=reference, source_type=f"sbom-{sbom.format}", manifest_digest=None, config_digest=None, config={}, layers=[], repo_tags=[sbom.name], platform="")
    return Inventory(image=info, os=sbom.os, packages=sbom.packages, warnings=list(sbom.warnings))


def _vulnerabilities(
    result: ScanResult,
    packages: list[Package],
    os_info: OSInfo,
    database: VulnDatabase,
    options: ScanOptions,
    rules: list[IgnoreRule],
    statements: list[VexStatement],
) -> None:
    status = database.status()
    result.database = status
    if status.built:
        age = datetime.datetime.now(datetime.timezone.utc) - status.built_at
        if age > STALE_AFTER:
            result.warnings.append(f"vulnerability data is {age.days} days old: run `dockgate db update`")
    report = match_packages(packages, os_info, database)
    result.unmatched = report.unmatched
    result.warnings.extend(report.warnings)
    for source in report.missing_sources:
        result.warnings.append(f"no {source} advisories in the database: run `dockgate db update --ecosystem {source}`")
    today = options.today or datetime.datetime.now(datetime.timezone.utc).date()
    active = [rule for rule in rules if not rule.expired(today)]
    result.expired_ignores = [rule for rule in rules if rule.expired(today)]
    for rule in result.expired_ignores:
        result.warnings.append(f"ignore entry for {rule.id} expired on {rule.expires}; it no longer applies")
    for finding in report.findings:
        suppressed = _suppression(finding, active, statements, options)
        if suppressed is not None:
            result.suppressed.append(suppressed)
        elif _filtered(finding, options):
            result.filtered_out += 1
        else:
            result.vulnerabilities.append(finding)


def _suppression(finding: VulnFinding, rules: list[IgnoreRule], statements: list[VexStatement], options: ScanOptions) -> Suppressed | None:
    names = {finding.package.name, finding.lookup_name}
    for rule in rules:
        if rule.covers(finding.identifiers, names):
            return Suppressed(finding, "ignore", rule.reason, "", str(options.ignore_file or DEFAULT_IGNORE_FILE))
    statement = vex_suppression(statements, finding.identifiers, finding.package.purl)
    if statement is not None:
        return Suppressed(finding, "vex", statement.justification, statement.status, statement.source)
    return None


def _filtered(finding: VulnFinding, options: ScanOptions) -> bool:
    if options.ignore_unfixed and not finding.fix_available:
        return True
    return options.severities is not None and finding.severity not in options.severities
