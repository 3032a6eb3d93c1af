"""Render Dockerfile lint results as a table, JSON or SARIF 2.1.0 (file, line and column)."""

from __future__ import annotations

import json
from typing import Any

from rich.table import Table

from dockgate.lint.dockerfile.runner import FileResult
from dockgate.lint.formats import finding_record, findings_sarif
from dockgate.lint.engine import Finding, Rule
from dockgate.report.table import render_tables


def _where(item: Finding) -> str:
    loc = item.location
    return ":".join([loc.file] + [str(n) for n in (loc.line, loc.column) if n is not None])


def render_table(results: list[FileResult], output: str | None) -> str:
    parts: list[Table | str] = []
    findings = [f for r in results for f in r.findings]
    if findings:
        table = Table(show_header=True, header_style="bold")
        for column in ("Severity", "Rule", "Location", "Stage", "Message"):
            table.add_column(column, overflow="fold")
        for item in findings:
            table.add_row(item.severity.name, item.rule.id, _where(item), item.obj or "", item.message)
        parts.append(table)
    for result in results:
        parts.extend(f"warning: {w}" for w in result.warnings)
        if result.error:
            parts.append(f"error: {result.error}")
    parts.append(_summary(results))
    return render_tables(parts, output)


def _summary(results: list[FileResult]) -> str:
    findings = [f for r in results for f in r.findings]
    counts: dict[str, int] = {}
    for item in sorted(findings, key=lambda f: -int(f.severity)):
        counts[item.severity.name.lower()] = counts.get(item.severity.name.lower(), 0) + 1
    detail = ", ".join(f"{n} {name}" for name, n in counts.items())
    checked = sum(1 for r in results if r.error is None)
    text = f"{checked} Dockerfile(s) checked, {len(findings)} finding(s)" + (f" ({detail})" if detail else "")
    suppressed = sum(r.suppressed for r in results)
    errors = sum(1 for r in results if r.error)
    return text + (f", {suppressed} suppressed" if suppressed else "") + (f", {errors} file(s) not checked" if errors else "")


def finding_dict(item: Finding) -> dict[str, Any]:
    return {**finding_record(item, ("stage", "instruction")), "endLine": item.location.end_line}


def render_json(results: list[FileResult]) -> str:
    document = {
        "files": [
            {"file": r.path, "checked": r.error is None, "error": r.error, "suppressed": r.suppressed, "warnings": r.warnings}
            for r in results
        ],
        "findings": [finding_dict(f) for r in results for f in r.findings],
    }
    return json.dumps(document, indent=2) + "\n"


def render_sarif(results: list[FileResult], rules: list[Rule]) -> str:
    findings = [f for r in results for f in r.findings]
    return findings_sarif(findings, rules, lambda f: f"{f.rule.id}|{f.location.file}|{f.obj}|{f.message}", ("stage", "instruction"))
