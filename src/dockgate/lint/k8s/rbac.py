"""RBAC: roles with wildcard verbs or resources, and bindings to cluster-admin."""

from __future__ import annotations

from typing import Iterator

from dockgate.lint.engine import Finding, Rule, register
from dockgate.lint.k8s.context import CheckContext, finding
from dockgate.severity import Severity

WILDCARD = register(Rule(
    "DG-K8S-016", "RBAC role grants wildcard verbs or resources", Severity.HIGH,
    "A '*' verb or resource grants every current and future permission on the matching APIs.",
    "List the exact verbs and resources the subject needs.",
    family="k8s", tags=("rbac",),
))
CLUSTER_ADMIN = register(Rule(
    "DG-K8S-017", "Binding to cluster-admin", Severity.CRITICAL,
    "cluster-admin is full control of the cluster; a compromised subject owns everything.",
    "Bind a narrowly scoped Role or ClusterRole instead of cluster-admin.",
    family="k8s", tags=("rbac",),
))
RULES = (WILDCARD, CLUSTER_ADMIN)


def run(context: CheckContext) -> Iterator[Finding]:
    for role in context.of_kind("Role", "ClusterRole"):
        rules = role.body.get("rules")
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, dict):
                continue
            for field in ("verbs", "resources"):
                values = rule.get(field)
                if isinstance(values, list) and "*" in values:
                    yield finding(WILDCARD, role, ("rules", index, field), f"{role.kind} {role.name!r} rule {index} grants '*' {field}")
    for binding in context.of_kind("RoleBinding", "ClusterRoleBinding"):
        ref = binding.body.get("roleRef")
        if isinstance(ref, dict) and ref.get("name") == "cluster-admin" and ref.get("kind", "ClusterRole") == "ClusterRole":
            yield finding(CLUSTER_ADMIN, binding, ("roleRef", "name"), f"{binding.kind} {binding.name!r} binds cluster-admin")
