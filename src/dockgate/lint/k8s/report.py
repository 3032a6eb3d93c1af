"""Render Kubernetes findings and input diagnostics as a table, JSON or SARIF 2.1.0."""

from __future__ import annotations

from typing import Any

import orjson

from rich.table import Table

from dockgate.lint.formats import finding_record, findings_sarif
from dockgate.lint.engine import Finding, Rule
from dockgate.lint.k8s.loader import Diagnostic
from dockgate.report.table import render_tables


def _where(item: Finding) -> str:
    loc = item.location
    parts = [loc.file] + [str(n) for n in (loc.line, loc.column) if n is not None]
    return ":".join(parts)


def render_table(findings: list[Finding], diagnostics: list[Diagnostic], output: str | None, header: str) -> str:
    tables: list[Table | str] = [header]
    if findings:
        table = Table(show_header=True, header_style="bold", show_lines=False)
        for column in ("Severity", "Rule", "Location", "Object", "Message"):
            table.add_column(column, overflow="fold")
        for item in findings:
            table.add_row(item.severity.name, item.rule.id, _where(item), item.obj or "", item.message)
        tables.append(table)
    for diagnostic in diagnostics:
        tables.append(f"{'error' if diagnostic.error else 'warning'}: {diagnostic}")
    tables.append(_summary(findings, diagnostics))
    return render_tables(tables, output)


def _summary(findings: list[Finding], diagnostics: list[Diagnostic]) -> str:
    counts: dict[str, int] = {}
    for item in findings:
        counts[item.severity.name] = counts.get(item.severity.name, 0) + 1
    by_severity = ", ".join(f"{n} {name.lower()}" for name, n in sorted(counts.items(), key=lambda kv: -_rank(kv[0])))
    errors = sum(1 for d in diagnostics if d.error)
    text = f"{len(findings)} finding(s)" + (f" ({by_severity})" if by_severity else "")
    return text + (f", {errors} input error(s)" if errors else "")


def _rank(name: str) -> int:
    from dockgate.severity import Severity

    return int(Severity[name])


def finding_dict(item: Finding) -> dict[str, Any]:
    return finding_record(item, ("object", "field"))


def render_json(findings: list[Finding], diagnostics: list[Diagnostic], settings: dict[str, Any]) -> str:
    document = {
        "settings": settings,
        "findings": [finding_dict(item) for item in findings],
        "errors": [_diagnostic_dict(d) for d in diagnostics if d.error],
        "warnings": [_diagnostic_dict(d) for d in diagnostics if not d.error],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()


def _diagnostic_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    return {"file": diagnostic.file, "line": diagnostic.line, "message": diagnostic.message}


def render_sarif(findings: list[Finding], rules: list[Rule]) -> str:
    return findings_sarif(findings, rules, lambda f: f"{f.rule.id}|{f.location.file}|{f.obj}|{f.field_path}", ("object", "field"))
