"""Secret findings as a table, JSON or SARIF (through the shared ``dockgate.report.sarif``).

``sarif_parts`` is what ``dockgate scan`` uses to merge secret results into its own SARIF
log: the rules and results, with the layer digest and the path as the location.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable

import orjson

from dockgate.report.sarif import SarifResult, SarifRule, sarif_log
from dockgate.secrets.model import IN_FILE, RISKY_FILE, SecretFinding
from dockgate.severity import Severity


def summary(findings: Iterable[SecretFinding]) -> dict[str, int]:
    counts = {s.name: 0 for s in sorted(Severity, reverse=True)}
    for finding in findings:
        counts[finding.severity.name] += 1
    return counts


def render_json(findings: list[SecretFinding], target: str) -> str:
    document: dict[str, Any] = {
        "target": target,
        "summary": summary(findings),
        "findings": [f.to_dict() for f in findings],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"


def render_table(findings: list[SecretFinding], target: str, output: str | None) -> str:
    from rich.table import Table

    from dockgate.report.table import render_tables

    if not findings:
        return f"{target}: no secrets or risky files found\n"
    table = Table(title=f"{target}: {len(findings)} finding(s)", show_lines=False)
    for column in ("Severity", "Rule", "Where", "Value / detail"):
        table.add_column(column, overflow="fold")
    for f in findings:
        shown = f.detail if f.category == RISKY_FILE else f"{f.masked}  sha256:{(f.sha256 or '')[:16]}"
        table.add_row(f.severity.name, f.rule_id, f.where, shown)
    return render_tables([table], output)


def _uri(finding: SecretFinding) -> str:
    if finding.location != IN_FILE:
        return "image/config"
    if finding.layer_digest:
        return f"image/layer/{finding.layer_digest}{finding.path if finding.path.startswith('/') else '/' + finding.path}"
    return finding.path


def _message(finding: SecretFinding) -> str:
    if finding.category == RISKY_FILE:
        return f"{finding.title}: {finding.where} ({finding.detail})"
    return f"{finding.title} in {finding.where}: {finding.masked} (sha256 {finding.sha256})"


def sarif_parts(findings: list[SecretFinding]) -> tuple[list[SarifRule], list[SarifResult]]:
    rules: dict[str, SarifRule] = {}
    results: list[SarifResult] = []
    for f in findings:
        rules.setdefault(f.rule_id, SarifRule(f.rule_id, f.title, f.severity, tags=(f.category,)))
        key = f"{f.rule_id}|{f.location}|{f.path}|{f.layer_digest or f.layer_index}|{f.sha256 or ''}"
        properties: dict[str, Any] = {"category": f.category, "status": f.status}
        if f.layer_index is not None:
            properties["layerIndex"] = f.layer_index
        if f.layer_digest:
            properties["layerDigest"] = f.layer_digest
        if f.removed_in_layer is not None:
            properties["removedInLayer"] = f.removed_in_layer
        if f.location != IN_FILE:
            properties["configLocation"] = f.path
        if f.sha256:
            properties["secretSha256"] = f.sha256
        results.append(
            SarifResult(f.rule_id, _message(f), _uri(f), f.severity, line=f.line, fingerprint=hashlib.sha256(key.encode()).hexdigest(), properties=properties)
        )
    return list(rules.values()), results


def render_sarif(findings: list[SecretFinding]) -> str:
    rules, results = sarif_parts(findings)
    return orjson.dumps(sarif_log(rules, results), option=orjson.OPT_INDENT_2).decode() + "\n"
