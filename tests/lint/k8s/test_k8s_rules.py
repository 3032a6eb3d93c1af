"""Best-practice rules: each fires on the bad shape, stays quiet on the hardened workload."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.lint.engine import all_rules
from dockgate.lint.k8s.runner import all_k8s_rules
from k8s_helpers import check_text, rule_ids

HARDENED = (Path(__file__).parent / "data" / "hardened.yaml").read_text()


def _mutated(old: str, new: str) -> str:
    assert old in HARDENED, old
    return HARDENED.replace(old, new, 1)


def test_hardened_workload_has_no_findings() -> None:
    assert check_text(HARDENED) == []


@pytest.mark.parametrize(
    ("old", "new", "rule", "line_text"),
    [
        ("requests: {cpu: 100m, memory: 128Mi}", "requests: {cpu: 100m}", "DG-K8S-001", "requests:"),
        ('limits: {cpu: "1", memory: 256Mi}', "limits: {memory: 256Mi}", "DG-K8S-002", "limits:"),
        ("livenessProbe:", "startupProbe:", "DG-K8S-003", "- name: api"),
        ("readinessProbe:", "startupProbe:", "DG-K8S-004", "- name: api"),
        ("api:1.4.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "api:latest", "DG-K8S-005", "image:"),
        ("api:1.4.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "api:1.4.2", "DG-K8S-006", "image:"),
        ("      automountServiceAccountToken: false\n", "      automountServiceAccountToken: true\n", "DG-K8S-007", "automountServiceAccountToken: true"),
        ("serviceAccountName: api", "serviceAccountName: default", "DG-K8S-008", "serviceAccountName: default"),
        ("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "DG-K8S-009", "readOnlyRootFilesystem: false"),
        ("  policyTypes: [Ingress, Egress]", "  ingress: [{}]", "DG-K8S-012", "apiVersion: apps/v1"),
        ("ports: [{port: 80, targetPort: 8080}]", "type: NodePort\n  ports: [{port: 80}]", "DG-K8S-013", "type: NodePort"),
        ("value: info", "value: hunter2-Sup3rS3cret\n              # was info", None, None),
        ("verbs: [get, list]", 'verbs: ["*"]', "DG-K8S-016", "verbs:"),
        ("resources: [configmaps]", 'resources: ["*"]', "DG-K8S-016", "resources:"),
    ],
)
def test_rule_fires_on_the_bad_shape(old: str, new: str, rule: str | None, line_text: str | None) -> None:
    text = _mutated(old, new)
    findings = check_text(text, ignore="pss")
    if rule is None:  # a literal value under a non-secret name stays quiet
        assert findings == []
        return
    assert rule_ids(findings) == [rule]
    line = text.splitlines()[findings[0].location.line - 1]
    assert line_text in line


def test_network_policy_must_select_the_pods() -> None:
    text = _mutated("{key: app, operator: In, values: [api]}", "{key: app, operator: NotIn, values: [api]}")
    assert check_text(text, ignore="pss") == []  # the default-deny policy ({}) still selects the pods
    text = text.replace("podSelector: {}\n  policyTypes: [Ingress, Egress]", "podSelector: {matchLabels: {app: other}}")
    findings = check_text(text, ignore="pss")
    assert rule_ids(findings) == ["DG-K8S-011", "DG-K8S-012"]
    assert "shop" in findings[0].message


def test_secret_env_literal_and_token_shapes() -> None:
    text = _mutated("- name: LOG_LEVEL\n              value: info",
                    "- name: DB_PASSWORD_LITERAL\n              value: hunter2\n            - name: NOTES\n              value: AKIAABCDEFGHIJKLMNOP")
    findings = check_text(text, select="DG-K8S-014")
    assert [(f.rule.id, f.field_path) for f in findings] == [
        ("DG-K8S-014", "spec.template.spec.containers[0].env[1].value"),
        ("DG-K8S-014", "spec.template.spec.containers[0].env[2].value"),
    ]
    quiet = _mutated("value: info", "value: $(OTHER_VAR)")
    assert check_text(quiet.replace("LOG_LEVEL", "API_TOKEN"), select="DG-K8S-014") == []


def test_secret_objects_host_path_and_cluster_admin() -> None:
    findings = check_text(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: db}
        data:
          password: aHVudGVyMg==
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: empty}
        type: Opaque
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: ops}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
        subjects: [{kind: Group, name: ops}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: node-reader}
        spec:
          containers: [{name: c, image: busybox:1.36}]
          volumes:
            - name: root
              hostPath: {path: /}
        """,
        select="DG-K8S-010,DG-K8S-015,DG-K8S-017,pss-host-path",
        level="baseline",
    )
    assert [(f.rule.id, f.location.line, f.obj) for f in findings] == [
        ("DG-K8S-015", 5, "Secret/db"),
        ("DG-K8S-017", 16, "ClusterRoleBinding/ops"),
        ("DG-K8S-010", 26, "Pod/node-reader"),
        ("pss-host-path-volumes", 26, "Pod/node-reader"),
    ]


def test_probes_not_required_for_jobs_and_cronjob_template_is_found() -> None:
    findings = check_text(
        """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: job
                      image: busybox
                      securityContext: {privileged: true}
        """,
        select="DG-K8S-003,DG-K8S-004,DG-K8S-005,pss-privileged",
    )
    assert [(f.rule.id, f.field_path) for f in findings] == [
        ("DG-K8S-005", "spec.jobTemplate.spec.template.spec.containers[0].image"),
        ("pss-privileged", "spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged"),
    ]


def test_every_k8s_rule_is_registered_with_complete_metadata() -> None:
    registered = {rule.id: rule for rule in all_rules()}
    rules = all_k8s_rules()
    assert len(rules) >= 36
    for rule in rules:
        assert registered[rule.id] is rule
        assert rule.title and rule.rationale and rule.fix and rule.family in ("k8s", "pss")
    assert len({rule.id for rule in rules}) == len(rules)


def test_select_and_ignore_by_prefix() -> None:
    text = _mutated("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false\n            privileged: true")
    assert rule_ids(check_text(text)) == ["DG-K8S-009", "pss-privileged"]
    assert rule_ids(check_text(text, select="pss")) == ["pss-privileged"]
    assert rule_ids(check_text(text, ignore="pss")) == ["DG-K8S-009"]
    assert rule_ids(check_text(text, select="dg-k8s-00")) == ["DG-K8S-009"]


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({}, {"app": "a"}, True),
        ({"matchLabels": {"app": "a"}}, {"app": "a", "x": "y"}, True),
        ({"matchLabels": {"app": "a"}}, {"app": "b"}, False),
        ({"matchExpressions": [{"key": "app", "operator": "In", "values": ["a", "b"]}]}, {"app": "b"}, True),
        ({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["a"]}]}, {}, True),
        ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, {}, False),
        ({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, {"app": "a"}, False),
        (None, {"app": "a"}, False),
    ],
)
def test_label_selector_semantics(selector: object, labels: dict[str, str], expected: bool) -> None:
    from dockgate.lint.k8s.network import selector_matches

    assert selector_matches(selector, labels) is expected


def test_egress_only_policy_is_not_a_default_deny_for_ingress() -> None:
    text = HARDENED.replace("  policyTypes: [Ingress, Egress]", "  policyTypes: [Egress]", 1)
    assert rule_ids(check_text(text, select="DG-K8S-012")) == ["DG-K8S-012"]


def test_rule_ids_are_stable() -> None:
    """Ids are referenced by users' suppressions and by the gate (DG-K8S-011/012): never renumber."""
    ids = [rule.id for rule in all_k8s_rules()]
    assert [i for i in ids if i.startswith("DG-K8S-")] == [f"DG-K8S-{n:03d}" for n in range(1, 18)]
    assert sorted(i for i in ids if i.startswith("pss-")) == sorted([
        "pss-privileged", "pss-host-namespaces", "pss-host-ports", "pss-host-path-volumes", "pss-host-probes",
        "pss-capabilities-baseline", "pss-apparmor", "pss-selinux", "pss-proc-mount", "pss-seccomp-baseline",
        "pss-sysctls", "pss-windows-host-process", "pss-restricted-volumes", "pss-allow-privilege-escalation",
        "pss-run-as-non-root", "pss-run-as-user", "pss-seccomp-restricted", "pss-capabilities-restricted",
        "pss-proc-mount-restricted",
    ])
