"""Network exposure: every workload selected by a NetworkPolicy, a default-deny policy per
namespace, and no Services opened on every node (NodePort) or to the internet (LoadBalancer).

The NetworkPolicy rules look at every document of the input at once.
"""

from __future__ import annotations

from typing import Any, Iterator

from dockgate.lint.engine import Finding, Rule, register
from dockgate.lint.k8s.context import CheckContext, finding
from dockgate.lint.k8s.model import K8sObject
from dockgate.severity import Severity

NOT_SELECTED = register(Rule(
    "DG-K8S-011", "No NetworkPolicy selects the workload's pods", Severity.MEDIUM,
    "Pods no NetworkPolicy selects accept traffic from every pod in the cluster.",
    "Add a NetworkPolicy whose podSelector matches the pod template's labels and allows only the traffic it needs.",
    family="k8s", tags=("network",),
))
NO_DEFAULT_DENY = register(Rule(
    "DG-K8S-012", "No default-deny NetworkPolicy in the namespace", Severity.MEDIUM,
    "Without a default-deny policy every new pod in the namespace is reachable until someone writes a policy for it.",
    "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules.",
    family="k8s", tags=("network",),
))
EXPOSED_SERVICE = register(Rule(
    "DG-K8S-013", "Service exposed through NodePort or LoadBalancer", Severity.LOW,
    "NodePort opens the port on every node; LoadBalancer usually opens it to the internet.",
    "Use type ClusterIP behind an Ingress or gateway, or restrict loadBalancerSourceRanges.",
    family="k8s", tags=("network",),
))
RULES = (NOT_SELECTED, NO_DEFAULT_DENY, EXPOSED_SERVICE)


def selector_matches(selector: Any, labels: dict[str, Any]) -> bool:
    """Kubernetes label-selector semantics (matchLabels and matchExpressions); {} selects all."""
    if not isinstance(selector, dict):
        return False
    match_labels = selector.get("matchLabels")
    for key, value in (match_labels if isinstance(match_labels, dict) else {}).items():
        if str(labels.get(key)) != str(value) or key not in labels:
            return False
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else []:
        if not isinstance(expression, dict):
            return False
        key, operator = expression.get("key"), expression.get("operator")
        values = [str(v) for v in expression.get("values") or []]
        present = key in labels
        if operator == "In" and not (present and str(labels[key]) in values):
            return False
        if operator == "NotIn" and present and str(labels[key]) in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def _spec(policy: K8sObject) -> dict[str, Any]:
    spec = policy.body.get("spec")
    return spec if isinstance(spec, dict) else {}


def is_default_deny(policy: K8sObject) -> bool:
    """podSelector {} (every pod) with Ingress among its policy types and no ingress rules."""
    spec = _spec(policy)
    if spec.get("podSelector") not in ({}, None):
        return False
    types = spec.get("policyTypes") or ["Ingress"]
    return isinstance(types, list) and "Ingress" in types and not spec.get("ingress")


def run(context: CheckContext) -> Iterator[Finding]:
    policies: dict[str, list[K8sObject]] = {}
    for policy in context.of_kind("NetworkPolicy"):
        policies.setdefault(policy.namespace or "default", []).append(policy)
    reported_namespaces: set[str] = set()
    for pod in context.pods:
        if pod.obj.kind == "Pod" and pod.obj.metadata.get("ownerReferences"):
            continue
        in_namespace = policies.get(pod.namespace, [])
        labels = pod.labels
        if not any(selector_matches(_spec(p).get("podSelector", {}), labels) for p in in_namespace):
            yield finding(NOT_SELECTED, pod.obj, pod.metadata_path + ("labels",),
                          f"no NetworkPolicy in namespace {pod.namespace!r} selects the pods of {pod.obj.ref}")
        if pod.namespace not in reported_namespaces and not any(is_default_deny(p) for p in in_namespace):
            reported_namespaces.add(pod.namespace)
            yield finding(NO_DEFAULT_DENY, pod.obj, (),
                          f"namespace {pod.namespace!r} has no default-deny NetworkPolicy in the input")
    for service in context.of_kind("Service"):
        spec = service.body.get("spec")
        kind = spec.get("type") if isinstance(spec, dict) else None
        if kind in ("NodePort", "LoadBalancer"):
            yield finding(EXPOSED_SERVICE, service, ("spec", "type"), f"Service {service.name!r} is of type {kind}")
