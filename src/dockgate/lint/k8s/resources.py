"""Resource requests and limits: every container should declare CPU and memory for both."""

from __future__ import annotations

from typing import Iterator

from dockgate.lint.engine import Finding, Rule, register
from dockgate.lint.k8s.context import CheckContext, finding
from dockgate.severity import Severity

REQUESTS = register(Rule(
    "DG-K8S-001", "Container without CPU or memory requests", Severity.MEDIUM,
    "Without requests the scheduler cannot place the pod sensibly and the pod is first to be evicted under pressure.",
    "Set resources.requests.cpu and resources.requests.memory on every container.",
    family="k8s", tags=("resources",),
))
LIMITS = register(Rule(
    "DG-K8S-002", "Container without CPU or memory limits", Severity.MEDIUM,
    "Without limits one container can exhaust the node's CPU or memory and starve its neighbours (denial of service).",
    "Set resources.limits.cpu and resources.limits.memory on every container.",
    family="k8s", tags=("resources",),
))
RULES = (REQUESTS, LIMITS)


def run(context: CheckContext) -> Iterator[Finding]:
    for pod in context.pods:
        for container in pod.containers(("initContainers", "containers")):
            resources = container.body.get("resources")
            resources = resources if isinstance(resources, dict) else {}
            for rule, section in ((REQUESTS, "requests"), (LIMITS, "limits")):
                values = resources.get(section)
                values = values if isinstance(values, dict) else {}
                missing = [name for name in ("cpu", "memory") if values.get(name) in (None, "")]
                if missing:
                    what = " and ".join(missing)
                    yield finding(rule, pod.obj, container.path + ("resources", section),
                                  f"container {container.name!r} has no {what} {section}")
