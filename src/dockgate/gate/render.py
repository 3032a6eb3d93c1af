"""The verdict as text (for people), JSON, JUnit XML (Jenkins, GitLab) and SARIF (GitHub)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dockgate.gate.model import Reason, Verdict
from dockgate.report.junit import JUnitCase, JUnitSuite, junit_xml
from dockgate.report.sarif import SarifResult, SarifRule, sarif_log


def render_text(verdict: Verdict) -> str:
    lines = [f"dockgate gate: {verdict.label}  (policy {verdict.policy_file})"]
    for result in verdict.results:
        status = "skipped" if not result.ran and not result.reasons else ("pass" if result.passed else "FAIL")
        lines.append(f"  [{status}] {result.name}: {result.note}".rstrip(": "))
    if verdict.failing:
        lines.append("")
        lines.append("Failing reasons:")
        for reason in verdict.failing:
            lines.append(_reason_line(reason))
    if verdict.warnings:
        lines.append("")
        lines.append("Warnings (not failing):")
        for reason in verdict.warnings:
            lines.append(_reason_line(reason))
    return "\n".join(lines) + "\n"


def _reason_line(reason: Reason) -> str:
    where = f"{reason.where}: " if reason.where else ""
    return f"  - {where}{reason.message} [{reason.check}/{reason.rule_id}, {reason.severity.name.lower()}]\n      because of policy {reason.policy}"


def _reason_dict(reason: Reason) -> dict[str, Any]:
    return {
        "check": reason.check,
        "rule": reason.rule_id,
        "severity": reason.severity.name.lower(),
        "message": reason.message,
        "file": reason.file,
        "line": reason.line,
        "policy": {"file": reason.policy.file, "line": reason.policy.line, "key": reason.policy.key},
        "blocking": reason.blocking,
    }


def verdict_dict(verdict: Verdict) -> dict[str, Any]:
    return {
        "verdict": verdict.label,
        "policy": verdict.policy_file,
        "checks": [
            {"name": r.name, "ran": r.ran, "passed": r.passed, "note": r.note, "reasons": [_reason_dict(x) for x in r.reasons]}
            for r in verdict.results
        ],
    }


def render_json(verdict: Verdict) -> str:
    return json.dumps(verdict_dict(verdict), indent=2) + "\n"


def render_junit(verdict: Verdict) -> str:
    suites = []
    for result in verdict.results:
        cases = [
            JUnitCase(
                name=f"{r.rule_id} {r.where}".strip(),
                classname=f"dockgate.{result.name}",
                failure_message=r.message,
                failure_text=f"{r.message}\nbecause of policy {r.policy}",
            )
            for r in result.reasons
            if r.blocking
        ]
        if result.passed:
            cases.append(JUnitCase(name=f"{result.name} passes policy", classname=f"dockgate.{result.name}", skipped=not result.ran))
        suites.append(JUnitSuite(name=f"dockgate.{result.name}", cases=cases))
    return junit_xml(suites, name=f"dockgate gate {verdict.label}")


def render_sarif(verdict: Verdict) -> str:
    rules: list[SarifRule] = []
    results: list[SarifResult] = []
    for reason in verdict.failing:
        rule_id = f"{reason.check}/{reason.rule_id}"
        rules.append(SarifRule(rule_id, reason.rule_id, reason.severity, description=f"dockgate {reason.check} policy check"))
        print_key = f"{rule_id}|{reason.where}|{reason.message}".encode()
        results.append(
            SarifResult(
                rule_id=rule_id,
                message=f"{reason.message} (policy {reason.policy})",
                uri=reason.file or reason.policy.file,
                severity=reason.severity,
                line=reason.line,
                fingerprint=hashlib.sha256(print_key).hexdigest()[:32],
                properties={"policyLine": reason.policy.line, "policyKey": reason.policy.key},
            )
        )
    return json.dumps(sarif_log(rules, results), indent=2) + "\n"
