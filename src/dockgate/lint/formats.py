"""JSON records and SARIF for rule-engine findings, shared by the Dockerfile and Kubernetes reports."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable

from dockgate.lint.engine import Finding, Rule
from dockgate.report.sarif import SarifResult, SarifRule, sarif_log


def finding_record(item: Finding, labels: tuple[str, str]) -> dict[str, Any]:
    """One finding as JSON; ``labels`` name the keys for ``Finding.obj`` and ``Finding.field_path``."""
    obj_label, field_label = labels
    return {
        "rule": item.rule.id,
        "title": item.rule.title,
        "severity": item.severity.name.lower(),
        "message": item.message,
        "file": item.location.file,
        "line": item.location.line,
        "column": item.location.column,
        obj_label: item.obj,
        field_label: item.field_path,
        "fix": item.rule.fix,
    }


def findings_sarif(
    findings: list[Finding],
    rules: list[Rule],
    identity: Callable[[Finding], str],
    labels: tuple[str, str],
) -> str:
    """A SARIF log declaring ``rules`` (plus any rule a finding uses).

    ``identity`` gives the text a finding's fingerprint is hashed from; ``labels`` name the
    properties that carry ``Finding.obj`` and ``Finding.field_path`` (e.g. "stage", "instruction").
    """
    declared = {rule.id: rule for rule in rules}
    for item in findings:
        declared.setdefault(item.rule.id, item.rule)
    sarif_rules = [
        SarifRule(rule.id, rule.title, rule.severity, description=rule.rationale, help_text=rule.fix, tags=(rule.family, *rule.tags))
        for rule in declared.values()
    ]
    obj_label, field_label = labels
    results = [
        SarifResult(
            rule_id=item.rule.id,
            message=item.message,
            uri=item.location.file,
            severity=item.severity,
            line=item.location.line,
            column=item.location.column,
            end_line=item.location.end_line,
            fingerprint=hashlib.sha256(identity(item).encode()).hexdigest()[:32],
            properties={obj_label: item.obj or "", field_label: item.field_path or ""},
        )
        for item in findings
    ]
    return json.dumps(sarif_log(sarif_rules, results), indent=2) + "\n"
