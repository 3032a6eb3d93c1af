"""Scan results as SARIF 2.1.0, through the shared ``report.sarif`` builder: one rule per
advisory, one result per (package, advisory) finding, located at the file that declared it."""

from __future__ import annotations

import hashlib

import orjson

from dockgate.report.sarif import SarifResult, SarifRule, sarif_log
from dockgate.scan.model import ScanResult
from dockgate.scan.plugins import SARIF_PARTS, helper


def render_sarif(result: ScanResult) -> bytes:
    rules: list[SarifRule] = []
    results: list[SarifResult] = []
    for finding in result.vulnerabilities:
        package = finding.package
        fixed = ", ".join(finding.fixed_versions) or "no fixed version yet"
        names = ", ".join((*finding.ids, *finding.aliases))
        rules.append(
            SarifRule(
                id=finding.id,
                title=finding.summary or f"{finding.id} in {finding.lookup_name}",
                severity=finding.severity,
                description=f"{names}: {finding.summary}".rstrip(": "),
                help_text="\n".join(finding.references[:10]) or f"Upgrade {finding.lookup_name} ({fixed}).",
                tags=("vulnerability", finding.ecosystem.split(":", 1)[0]),
                security_severity=finding.score,
            )
        )
        uri = package.path or package.purl
        fingerprint = hashlib.sha256(f"{finding.id}\0{package.purl}\0{package.path}".encode()).hexdigest()[:32]
        results.append(
            SarifResult(
                rule_id=finding.id,
                message=f"{package.name} {package.version} is affected by {names} (severity {finding.severity.name}); fixed in: {fixed}",
                uri=uri,
                severity=finding.severity,
                fingerprint=fingerprint,
                properties={
                    "purl": package.purl,
                    "installedVersion": package.version,
                    "fixedVersions": list(finding.fixed_versions),
                    "aliases": list(finding.aliases),
                    "layerDigest": package.layer_digest,
                },
            )
        )
    for kind, findings in result.other_findings.items():
        parts = helper(SARIF_PARTS, kind)
        if parts is not None and findings:
            extra_rules, extra_results = parts(findings)
            rules.extend(extra_rules)
            results.extend(extra_results)
    return orjson.dumps(sarif_log(rules, results), option=orjson.OPT_INDENT_2) + b"\n"
