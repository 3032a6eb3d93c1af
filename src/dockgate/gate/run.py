"""Run every check that applies to the given inputs and collect one verdict."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from dockgate.errors import DockgateError
from dockgate.gate.image_rules import image_reasons
from dockgate.gate.model import CheckResult, Reason, Verdict
from dockgate.gate.providers import Providers
from dockgate.gate.references import ImageUse, dockerfile_images, manifest_files, manifest_images
from dockgate.gate.vulnerabilities import vulnerability_reasons
from dockgate.lint.engine import Finding
from dockgate.policy.model import Policy, PolicyRef, RuleFamilyPolicy
from dockgate.severity import Severity

LOCAL_IMAGE_PREFIXES = ("docker-archive:", "oci-archive:", "oci:", "rootfs:", "dir:")


@dataclass
class GateTarget:
    image: str | None = None
    dockerfile: Path | None = None
    manifests: list[Path] = field(default_factory=list)


def run_gate(policy: Policy, target: GateTarget, providers: Providers, now: datetime.datetime | None = None) -> Verdict:
    if target.image is None and target.dockerfile is None and not target.manifests:
        raise DockgateError("nothing to judge: give --image, --dockerfile and/or --manifests")
    now = now or datetime.datetime.now(datetime.timezone.utc)
    files = manifest_files(target.manifests) if target.manifests else []
    results = [_images_check(policy, target, files)]
    if target.dockerfile is not None:
        results.append(_family_check("dockerfile", policy, providers.dockerfile, lambda f: f(target.dockerfile)))
    if files:
        ps = policy.pod_security
        results.append(_family_check("kubernetes", policy, providers.kubernetes, lambda f: f(files, ps.level, ps.version)))
    if target.image is not None:
        results.append(_vulnerability_check(policy, providers, target.image, now))
        results.append(_family_check("secrets", policy, providers.secrets, lambda f: f(target.image)))
        if policy.signatures.required:
            results.append(_signature_check(policy, providers, target.image))
    return Verdict(policy.source, results)


def _images_check(policy: Policy, target: GateTarget, files: list[Path]) -> CheckResult:
    uses: list[ImageUse] = []
    if target.dockerfile is not None:
        uses.extend(dockerfile_images(target.dockerfile))
    for path in files:
        uses.extend(manifest_images(path))
    if target.image and not target.image.startswith(LOCAL_IMAGE_PREFIXES) and not Path(target.image).exists():
        uses.append(ImageUse(target.image, target.image, None, "--image"))
    reasons = [r for use in uses for r in image_reasons(use, policy.images)]
    if not uses:
        return CheckResult("images", False, note="no image references to check")
    return CheckResult("images", True, reasons, note=f"{len(uses)} image reference(s)")


def _unavailable(name: str, ref: PolicyRef) -> CheckResult:
    reason = Reason(name, "check-unavailable", f"the policy turns on {name} checks but this dockgate build cannot run them (not evaluated, failing closed)", Severity.HIGH, ref)
    return CheckResult(name, False, [reason], note="provider not installed")


def _family_check(name: str, policy: Policy, provider, call) -> CheckResult:  # noqa: ANN001
    family = policy.rules[name]
    if not family.enabled:
        return CheckResult(name, False, note="disabled by policy")
    if provider is None:
        return _unavailable(name, family.ref)
    findings: list[Finding] = call(provider)
    reasons = [r for r in (finding_reason(name, f, family, policy) for f in findings) if r is not None]
    return CheckResult(name, True, reasons, note=f"{len(findings)} finding(s)")


def finding_reason(name: str, finding: Finding, family: RuleFamilyPolicy, policy: Policy) -> Reason | None:
    rule_id = finding.rule.id
    if not family.rule_enabled(rule_id):
        return None
    severity = family.effective_severity(rule_id, finding.severity)
    if severity < family.fail_on:
        return None
    ref = policy.pod_security.ref if rule_id.lower().startswith("pss") else family.fail_on_ref
    where = f"{finding.obj}: " if finding.obj else ""
    return Reason(name, rule_id, f"{where}{finding.message}", severity, ref, finding.location.file, finding.location.line)


def _vulnerability_check(policy: Policy, providers: Providers, image: str, now: datetime.datetime) -> CheckResult:
    if not policy.vulnerabilities.fail_on:
        return CheckResult("vulnerabilities", False, note="no failing severities in the policy")
    if providers.vulnerabilities is None:
        return _unavailable("vulnerabilities", policy.vulnerabilities.fail_on_ref)
    outcome = providers.vulnerabilities(image)
    reasons = vulnerability_reasons(outcome, policy.vulnerabilities, now)
    return CheckResult("vulnerabilities", True, reasons, note=f"{len(outcome.hits)} vulnerabilit(ies), database {outcome.database_version}")


def _signature_check(policy: Policy, providers: Providers, image: str) -> CheckResult:
    sig = policy.signatures
    if providers.signatures is None:
        return _unavailable("signatures", sig.ref)
    valid = providers.signatures(image, list(sig.keys))
    if valid >= sig.minimum:
        return CheckResult("signatures", True, note=f"{valid} valid signature(s)")
    reason = Reason("signatures", "signature-missing", f"{image}: {valid} valid signature(s) from the policy's keys, {sig.minimum} required", Severity.CRITICAL, sig.ref, image)
    return CheckResult("signatures", True, [reason])
