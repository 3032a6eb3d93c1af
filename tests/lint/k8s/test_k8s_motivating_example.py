"""The project's motivating Deployment gives exactly the findings a reviewer would expect."""

from __future__ import annotations

from pathlib import Path

from dockgate.lint.k8s import CheckOptions, check_objects, load_inputs

EXAMPLE = Path(__file__).parent / "data" / "motivating-deployment.yaml"


def test_motivating_deployment_findings() -> None:
    loaded = load_inputs([str(EXAMPLE)])
    assert not loaded.diagnostics
    findings = check_objects(loaded.objects, CheckOptions())
    got = {(f.rule.id, f.location.line) for f in findings}
    container_line, image_line, labels_line, spec_line = 18, 19, 14, 16
    assert got == {
        # restricted Pod Security: no securityContext at all
        ("pss-allow-privilege-escalation", container_line),
        ("pss-run-as-non-root", container_line),
        ("pss-seccomp-restricted", container_line),
        ("pss-capabilities-restricted", container_line),
        # best practices
        ("DG-K8S-001", container_line),  # no requests
        ("DG-K8S-002", container_line),  # no limits
        ("DG-K8S-003", container_line),  # no liveness probe
        ("DG-K8S-004", container_line),  # no readiness probe
        ("DG-K8S-005", image_line),  # image without a tag
        ("DG-K8S-007", spec_line),  # token automounted
        ("DG-K8S-008", spec_line),  # default service account
        ("DG-K8S-009", container_line),  # writable root filesystem
        ("DG-K8S-011", labels_line),  # no NetworkPolicy selects it
        ("DG-K8S-012", 3),  # no default deny in the namespace
    }
    assert all(f.obj == "Deployment/my-app" and f.location.file == str(EXAMPLE) for f in findings)
    image = next(f for f in findings if f.rule.id == "DG-K8S-005")
    assert image.location.column == 11 and "no tag" in image.message
    assert image.field_path == "spec.template.spec.containers[0].image"


def test_motivating_deployment_is_baseline_clean() -> None:
    findings = check_objects(load_inputs([str(EXAMPLE)]).objects, CheckOptions(pss_level="baseline"))
    assert not [f for f in findings if f.rule.family == "pss"]
