"""Scan reports: a table grouped by package and coloured by severity (rich), and JSON.

SARIF and CycloneDX live in ``vuln_sarif`` and ``vuln_cyclonedx``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import orjson

from dockgate.catalog.package import Package
from dockgate.match.model import VulnFinding
from dockgate.scan.model import ScanResult
from dockgate.severity import Severity

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "blue",
    Severity.UNKNOWN: "dim",
}


def package_dict(package: Package) -> dict[str, Any]:
    return {
        "name": package.name,
        "version": package.version,
        "type": package.type,
        "purl": package.purl,
        "path": package.path,
        "layer_index": package.layer_index,
        "layer_digest": package.layer_digest,
        "source_name": package.source_name,
        "source_version": package.source_version,
    }


def finding_dict(finding: VulnFinding, packages: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One finding as JSON-ready data; ``packages`` shares one package record among its findings."""
    package = finding.package
    if packages is None:
        shown = package_dict(package)
    else:
        shown = packages.get(id(package))
        if shown is None:
            shown = packages[id(package)] = package_dict(package)
    return {
        "id": finding.id,
        "ids": list(finding.ids),
        "aliases": list(finding.aliases),
        "package": shown,
        "ecosystem": finding.ecosystem,
        "matched_as": {"name": finding.lookup_name, "version": finding.lookup_version},
        "severity": finding.severity.name,
        "cvss_score": finding.score,
        "cvss_vector": finding.vector,
        "fixed_versions": list(finding.fixed_versions),
        "fix_available": finding.fix_available,
        "summary": finding.summary,
        "references": list(finding.references),
    }


def result_dict(result: ScanResult) -> dict[str, Any]:
    database = result.database
    packages: dict[int, dict[str, Any]] = {}
    counts = {s.name: 0 for s in Severity}
    for finding in result.vulnerabilities:
        counts[finding.severity.name] += 1
    return {
        "target": {
            "reference": result.target.reference,
            "kind": result.target.kind,
            "name": result.target.name,
            "digest": result.target.digest,
            "os": {"id": result.target.os.id, "version_id": result.target.os.version_id},
        },
        "scanners": list(result.scanners),
        "packages": result.package_count,
        "summary": {"vulnerabilities": len(result.vulnerabilities), "by_severity": counts, "suppressed": len(result.suppressed), "filtered_out": result.filtered_out},
        "vulnerabilities": [finding_dict(f, packages) for f in result.vulnerabilities],
        "suppressed": [
            {**finding_dict(s.finding), "suppressed_by": s.by, "reason": s.reason, "vex_status": s.status or None, "source": s.source}
            for s in result.suppressed
        ],
        "expired_ignores": [
            {"id": r.id, "package": r.package, "reason": r.reason, "expires": r.expires.isoformat() if r.expires else None}
            for r in result.expired_ignores
        ],
        "unmatched": [
            {"name": u.package.name, "version": u.package.version, "type": u.package.type, "purl": u.package.purl, "reason": u.reason}
            for u in result.unmatched
        ],
        "warnings": list(result.warnings),
        "database": None
        if database is None
        else {"path": str(database.path), "built": database.built, "sources": {s.source: s.records for s in database.sources}},
        "other_findings": {name: [_plain(item) for item in items] for name, items in result.other_findings.items()},
    }


def _plain(item: Any) -> Any:
    """Other scanners' findings as JSON-ready values: dataclasses as dicts, enums by name."""
    import enum
    from dataclasses import fields, is_dataclass

    if is_dataclass(item) and not isinstance(item, type):
        return {f.name: _plain(getattr(item, f.name)) for f in fields(item)}
    if isinstance(item, enum.Enum):
        return item.name
    if isinstance(item, (list, tuple)):
        return [_plain(value) for value in item]
    if isinstance(item, dict):
        return {str(key): _plain(value) for key, value in item.items()}
    return item


def render_json(result: ScanResult) -> bytes:
    return orjson.dumps(result_dict(result), option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS, default=str) + b"\n"


def render_table(result: ScanResult, output: str | None) -> str:
    from rich.table import Table
    from rich.text import Text

    from dockgate.report.table import render_tables

    parts: list[Any] = []
    title = f"{result.target.name} ({result.target.os.id or 'unknown OS'} {result.target.os.version_id}".rstrip() + ")"
    counts = defaultdict(int)
    for finding in result.vulnerabilities:
        counts[finding.severity] += 1
    totals = ", ".join(f"{s.name} {counts[s]}" for s in sorted(Severity, reverse=True))
    parts.append(f"{title}: {len(result.vulnerabilities)} vulnerabilities ({totals}) in {result.package_count} packages")
    grouped: dict[tuple[str, str, str], list[VulnFinding]] = defaultdict(list)
    for finding in result.vulnerabilities:
        grouped[(finding.package.name, finding.package.version, finding.package.path)].append(finding)
    if grouped:
        table = Table(show_lines=False)
        for column in ("Package", "Installed", "Vulnerability", "Severity", "Fixed in", "Title"):
            table.add_column(column, overflow="fold")
        for (name, version, path), findings in sorted(grouped.items(), key=lambda item: (-max(f.severity for f in item[1]), item[0])):
            for index, finding in enumerate(sorted(findings, key=lambda f: (-f.severity, f.id))):
                ids = ", ".join((*finding.ids, *finding.aliases[:2]))
                style = SEVERITY_STYLE[finding.severity]
                score = f" {finding.score:.1f}" if finding.score is not None else ""
                table.add_row(
                    name if index == 0 else "",
                    version if index == 0 else "",
                    ids,
                    Text(finding.severity.name + score, style=style),
                    ", ".join(finding.fixed_versions) or "(no fix)",
                    finding.summary[:80],
                )
            table.add_section()
        parts.append(table)
    if result.suppressed:
        parts.append(f"suppressed ({len(result.suppressed)}):")
        for s in result.suppressed:
            parts.append(f"  {s.finding.id} {s.finding.package.name} {s.finding.package.version}: {s.by}{' ' + s.status if s.status else ''} - {s.reason}")
    if result.expired_ignores:
        parts.append("expired ignore entries (no longer applied):")
        for rule in result.expired_ignores:
            parts.append(f"  {rule.id}{' ' + rule.package if rule.package else ''} expired {rule.expires}: {rule.reason}")
    if result.unmatched:
        parts.append(f"not matched ({len(result.unmatched)}):")
        for u in result.unmatched:
            parts.append(f"  {u.package.type} {u.package.name} {u.package.version}: {u.reason}")
    text = render_tables([Text(part) if isinstance(part, str) else part for part in parts], output)
    from dockgate.scan.plugins import TABLE_RENDERERS, helper

    for name, items in result.other_findings.items():
        table_for = helper(TABLE_RENDERERS, name)
        text += table_for(items, result.target.name, output) if table_for is not None else f"{name} findings: {len(items)}\n"
    return text
