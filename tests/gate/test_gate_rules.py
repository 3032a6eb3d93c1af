"""Gate judgement: image rules, vulnerability thresholds and ignores, provider findings."""

from __future__ import annotations

import datetime
from pathlib import Path

from dockgate.gate import GateTarget, run_gate
from dockgate.gate.image_rules import image_reasons, repository_pattern
from dockgate.gate.providers import Providers
from dockgate.gate.references import ImageUse
from dockgate.gate.vulnerabilities import ScanOutcome, VulnerabilityHit, vulnerability_reasons
from dockgate.lint.engine import Finding, Location, Rule
from dockgate.policy import parse_policy
from dockgate.severity import Severity

NOW = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.timezone.utc)
HEADER = "apiVersion: dockgate.dev/v1\nkind: Policy\n"


def _ids(policy_text: str, reference: str) -> set[str]:
    policy = parse_policy(HEADER + policy_text, "p.yaml")
    return {r.rule_id for r in image_reasons(ImageUse(reference, "f", 1, "ctx"), policy.images)}


def test_image_rules() -> None:
    assert _ids("", "golang:1.15") == {"image-not-pinned"}
    assert _ids("", "golang") == {"image-no-tag", "image-not-pinned"}
    assert _ids("", "golang:latest") == {"image-latest", "image-not-pinned"}
    assert _ids("", "golang@sha256:" + "a" * 64) == set()
    assert _ids("images: {requireDigest: false, forbidLatest: false}\n", "golang") == set()
    allowed = "images: {requireDigest: false, allowedRegistries: [registry.example.com]}\n"
    assert _ids(allowed, "registry.example.com/team/app:1") == set()
    assert _ids(allowed, "evil.example.net/team/app:1") == {"image-registry"}
    assert _ids(allowed, "ubuntu:24.04") == {"image-registry"}  # docker.io
    repos = "images: {requireDigest: false, allowedRepositories: ['registry.example.com/team/*']}\n"
    assert _ids(repos, "registry.example.com/team/app:1") == set()
    assert _ids(repos, "registry.example.com/team/sub/app:1") == {"image-repository"}
    assert _ids("", "UPPER/Case:1") == {"image-invalid"}
    assert _ids("", "${BASE}") == {"image-unresolved"}
    assert repository_pattern("r.io/**").match("r.io/a/b/c")


def _outcome(*hits: VulnerabilityHit, age_hours: float = 1) -> ScanOutcome:
    return ScanOutcome("img", "sha256:" + "0" * 64, hits, NOW - datetime.timedelta(hours=age_hours), "db-1")


def test_vulnerability_thresholds_unfixed_ignores_and_age() -> None:
    text = HEADER + (
        "vulnerabilities:\n  failOn: [critical, high]\n  countUnfixed: false\n  maxDatabaseAgeHours: 24\n"
        "  ignore:\n"
        "    - {id: CVE-IGNORED, reason: not reachable, expires: 2026-12-31}\n"
        "    - {id: GHSA-old, reason: was fine, expires: 2026-01-01}\n"
    )
    policy = parse_policy(text, "p.yaml").vulnerabilities
    hits = (
        VulnerabilityHit("CVE-HIGH", "openssl", "1.0", Severity.HIGH, "1.1"),
        VulnerabilityHit("CVE-MED", "zlib", "1.0", Severity.MEDIUM, "1.1"),
        VulnerabilityHit("CVE-UNFIXED", "libc", "2.0", Severity.CRITICAL, None),
        VulnerabilityHit("OSV-1", "pkg", "1", Severity.CRITICAL, "2", aliases=("CVE-IGNORED",)),
        VulnerabilityHit("GHSA-old", "pkg", "1", Severity.HIGH, "2"),
    )
    reasons = vulnerability_reasons(_outcome(*hits), policy, NOW)
    blocking = {r.rule_id: r for r in reasons if r.blocking}
    assert set(blocking) == {"CVE-HIGH", "GHSA-old"}
    assert "expired on 2026-01-01" in blocking["GHSA-old"].message
    assert blocking["CVE-HIGH"].policy.line == 4  # failOn
    warning = next(r for r in reasons if not r.blocking)
    assert warning.rule_id == "OSV-1" and warning.policy.line == 8  # the ignore entry
    stale = vulnerability_reasons(_outcome(age_hours=30), policy, NOW)
    assert [r.rule_id for r in stale] == ["db-age"] and stale[0].policy.key == "vulnerabilities.maxDatabaseAgeHours"
    counting = parse_policy(text.replace("countUnfixed: false", "countUnfixed: true"), "p.yaml").vulnerabilities
    assert "CVE-UNFIXED" in {r.rule_id for r in vulnerability_reasons(_outcome(*hits), counting, NOW) if r.blocking}


def _finding(rule_id: str, severity: Severity, line: int) -> Finding:
    rule = Rule(rule_id, rule_id, severity, "why", "fix", "k8s")
    return Finding(rule, f"{rule_id} found", Location("deploy.yaml", line), obj="Deployment/x")


def test_provider_findings_follow_family_settings(tmp_path: Path) -> None:
    manifest = tmp_path / "deploy.yaml"
    manifest.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n    - {name: c, image: 'a@sha256:" + "b" * 64 + "'}\n")
    text = HEADER + (
        "podSecurity: {level: baseline, version: v1.30}\n"
        "rules:\n  kubernetes:\n    failOn: high\n    disable: [K8S-OFF]\n    severity: {K8S-LOW: critical}\n"
    )
    policy = parse_policy(text, "p.yaml")
    seen: list[tuple[str, str]] = []

    def linter(paths: list[Path], level: str, version: str) -> list[Finding]:
        seen.append((level, version))
        return [
            _finding("K8S-OFF", Severity.CRITICAL, 1),
            _finding("K8S-LOW", Severity.LOW, 2),
            _finding("K8S-MED", Severity.MEDIUM, 3),
            _finding("pss-privileged", Severity.HIGH, 4),
        ]

    verdict = run_gate(policy, GateTarget(manifests=[manifest]), Providers(kubernetes=linter), NOW)
    assert seen == [("baseline", "v1.30")]
    failing = {r.rule_id: r for r in verdict.failing}
    assert set(failing) == {"K8S-LOW", "pss-privileged"}
    assert failing["K8S-LOW"].severity == Severity.CRITICAL and failing["K8S-LOW"].policy.key == "rules.kubernetes.failOn"
    assert failing["pss-privileged"].policy.key == "podSecurity.level" and failing["pss-privileged"].policy.line == 3


def test_signatures_and_unavailable_scanner() -> None:
    text = HEADER + "signatures: {required: true, keys: [a.pub, b.pub], minimum: 2}\nrules: {secrets: {enabled: false}}\n"
    policy = parse_policy(text, "p.yaml")
    image = "registry.example.com/app@sha256:" + "c" * 64
    one_valid = Providers(signatures=lambda ref, keys: 1)
    verdict = run_gate(policy, GateTarget(image=image), one_valid, NOW)
    reasons = {r.check: r for r in verdict.failing}
    assert set(reasons) == {"signatures", "vulnerabilities"}
    assert "1 valid signature(s)" in reasons["signatures"].message and reasons["signatures"].policy.line == 3
    assert reasons["vulnerabilities"].rule_id == "check-unavailable"
    both = Providers(signatures=lambda ref, keys: 2, vulnerabilities=lambda ref: _outcome())
    assert run_gate(policy, GateTarget(image=image), both, NOW).passed


def test_manifest_images_with_lists_anchors_and_bad_yaml(tmp_path: Path) -> None:
    import pytest

    from dockgate.errors import InputError
    from dockgate.gate.references import manifest_images

    manifest = tmp_path / "list.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: Pod\n    metadata: {name: a}\n    spec:\n      containers:\n"
        "        - &app {name: app, image: 'nginx:1'}\n"
        "  - apiVersion: batch/v1\n    kind: CronJob\n    metadata: {name: b}\n"
        "    spec: {jobTemplate: {spec: {template: {spec: {containers: [*app]}}}}}\n"
    )
    uses = manifest_images(manifest)
    assert [(u.reference, u.line, u.context) for u in uses] == [
        ("nginx:1", 9, "Pod/a container app"),
        ("nginx:1", 9, "CronJob/b container app"),  # an alias shares its anchor's node and line
    ]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8)))
    with pytest.raises(InputError):
        manifest_images(bomb)
