"""Scan results as CycloneDX 1.6: the inventory's BOM (``report.cyclonedx.build_bom``) plus a
``vulnerabilities`` section whose ``affects`` point at the package components' bom-refs.
Suppressed findings are included with an ``analysis`` (not_affected / resolved + justification)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cyclonedx.model import Property, XsUri
from cyclonedx.model.impact_analysis import ImpactAnalysisAffectedStatus, ImpactAnalysisState
from cyclonedx.model.vulnerability import (
    BomTarget,
    BomTargetVersionRange,
    Vulnerability,
    VulnerabilityAnalysis,
    VulnerabilityRating,
    VulnerabilityReference,
    VulnerabilityScoreSource,
    VulnerabilitySeverity,
    VulnerabilitySource,
)

from dockgate.match.model import VulnFinding
from dockgate.report.cyclonedx import build_bom, package_ref, serialize_bom
from dockgate.scan.model import ScanResult, Suppressed

_METHOD = {"CVSS:3.0": VulnerabilityScoreSource.CVSS_V3, "CVSS:3.1": VulnerabilityScoreSource.CVSS_V3_1, "CVSS:4.0": VulnerabilityScoreSource.CVSS_V4}


def _source(advisory_id: str) -> VulnerabilitySource:
    return VulnerabilitySource(name="OSV", url=XsUri(f"https://osv.dev/vulnerability/{advisory_id}"))


def _vulnerability(finding: VulnFinding, suppressed: Suppressed | None) -> Vulnerability:
    rating: dict[str, Any] = {"severity": VulnerabilitySeverity[finding.severity.name], "source": _source(finding.id)}
    if finding.score is not None and finding.vector:
        rating["score"] = Decimal(str(finding.score))
        rating["vector"] = finding.vector
        rating["method"] = _METHOD.get(finding.vector.split("/", 1)[0], VulnerabilityScoreSource.OTHER)
    analysis = None
    if suppressed is not None:
        state = ImpactAnalysisState.RESOLVED if suppressed.status == "fixed" else ImpactAnalysisState.NOT_AFFECTED
        analysis = VulnerabilityAnalysis(state=state, detail=f"{suppressed.by}: {suppressed.reason}"[:2000])
    versions = [BomTargetVersionRange(version=finding.package.version, status=ImpactAnalysisAffectedStatus.AFFECTED)]
    versions += [BomTargetVersionRange(version=v, status=ImpactAnalysisAffectedStatus.UNAFFECTED) for v in finding.fixed_versions]
    return Vulnerability(
        bom_ref=f"{finding.id}#{package_ref(finding.package)}",
        id=finding.id,
        source=_source(finding.id),
        references=[VulnerabilityReference(id=other, source=_source(other)) for other in (*finding.ids[1:], *finding.aliases)],
        ratings=[VulnerabilityRating(**rating)],
        description=finding.summary or None,
        recommendation=f"Upgrade {finding.lookup_name} to {' or '.join(finding.fixed_versions)}" if finding.fixed_versions else "No fixed version available yet",
        analysis=analysis,
        affects=[BomTarget(ref=package_ref(finding.package), versions=versions)],
        properties=[Property(name="dockgate:ecosystem", value=finding.ecosystem)],
    )


def render_cyclonedx(result: ScanResult, inventory: Any) -> str:
    bom = build_bom(inventory)
    for finding in result.vulnerabilities:
        bom.vulnerabilities.add(_vulnerability(finding, None))
    for suppressed in result.suppressed:
        bom.vulnerabilities.add(_vulnerability(suppressed.finding, suppressed))
    return serialize_bom(bom) + "\n"
