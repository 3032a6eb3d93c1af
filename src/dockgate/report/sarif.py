"""SARIF 2.1.0 logs, shared by scan, secrets and lint.

Callers describe their rules and results with the two dataclasses below; this module only
knows the SARIF shape. ``sarif_log`` returns a dict ready for JSON serialisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dockgate import __version__
from dockgate.severity import Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/dockgate/dockgate"


@dataclass(frozen=True)
class SarifRule:
    id: str
    title: str
    severity: Severity
    description: str = ""
    help_text: str = ""
    tags: tuple[str, ...] = ()
    security_severity: float | None = None  # GitHub code scanning's 0.0-10.0 score


@dataclass(frozen=True)
class SarifResult:
    rule_id: str
    message: str
    uri: str  # file path, or e.g. "image/layer/<diff_id>/etc/passwd"
    severity: Severity
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    fingerprint: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)


def sarif_level(severity: Severity) -> str:
    if severity >= Severity.HIGH:
        return "error"
    if severity >= Severity.MEDIUM:
        return "warning"
    return "note"


_DEFAULT_SCORES = {
    Severity.CRITICAL: 9.5,
    Severity.HIGH: 8.0,
    Severity.MEDIUM: 5.5,
    Severity.LOW: 2.0,
    Severity.UNKNOWN: 0.0,
}


def _rule(rule: SarifRule) -> dict[str, Any]:
    score = rule.security_severity if rule.security_severity is not None else _DEFAULT_SCORES[rule.severity]
    entry: dict[str, Any] = {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description or rule.title},
        "defaultConfiguration": {"level": sarif_level(rule.severity)},
        "properties": {
            "tags": ["security", *rule.tags],
            "security-severity": f"{score:.1f}",
            "precision": "very-high",
        },
    }
    if rule.help_text:
        entry["help"] = {"text": rule.help_text, "markdown": rule.help_text}
    return entry


def _result(result: SarifResult, rule_index: dict[str, int]) -> dict[str, Any]:
    region: dict[str, int] = {}
    if result.line is not None and result.line >= 1:
        region["startLine"] = result.line
        if result.column is not None and result.column >= 1:
            region["startColumn"] = result.column
        if result.end_line is not None and result.end_line >= result.line:
            region["endLine"] = result.end_line
    physical: dict[str, Any] = {"artifactLocation": {"uri": result.uri.lstrip("/") or "."}}
    if region:
        physical["region"] = region
    entry: dict[str, Any] = {
        "ruleId": result.rule_id,
        "ruleIndex": rule_index[result.rule_id],
        "level": sarif_level(result.severity),
        "message": {"text": result.message},
        "locations": [{"physicalLocation": physical}],
    }
    if result.fingerprint:
        entry["partialFingerprints"] = {"dockgate/v1": result.fingerprint}
    if result.properties:
        entry["properties"] = dict(result.properties)
    return entry


def sarif_log(rules: list[SarifRule], results: list[SarifResult], tool_name: str = "dockgate") -> dict[str, Any]:
    """One SARIF run holding ``rules`` (deduplicated by id) and ``results``."""
    unique: dict[str, SarifRule] = {}
    for rule in rules:
        unique.setdefault(rule.id, rule)
    missing = {r.rule_id for r in results} - unique.keys()
    if missing:
        raise ValueError(f"SARIF results reference undeclared rules: {sorted(missing)}")
    ordered = list(unique.values())
    index = {rule.id: i for i, rule in enumerate(ordered)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": tool_name,
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in ordered],
                    }
                },
                "results": [_result(result, index) for result in results],
            }
        ],
    }
