"""Health probes: long-running containers should have liveness and readiness probes."""

from __future__ import annotations

from typing import Iterator

from dockgate.lint.engine import Finding, Rule, register
from dockgate.lint.k8s.context import CheckContext, finding
from dockgate.severity import Severity

LIVENESS = register(Rule(
    "DG-K8S-003", "Container without a liveness probe", Severity.LOW,
    "Without a liveness probe a hung process is never restarted.",
    "Add a livenessProbe (httpGet, tcpSocket, grpc or exec) to the container.",
    family="k8s", tags=("probes",),
))
READINESS = register(Rule(
    "DG-K8S-004", "Container without a readiness probe", Severity.LOW,
    "Without a readiness probe traffic reaches the pod before it can serve, and during rollouts.",
    "Add a readinessProbe to the container.",
    family="k8s", tags=("probes",),
))
RULES = (LIVENESS, READINESS)


def run(context: CheckContext) -> Iterator[Finding]:
    for pod in context.pods:
        if pod.is_batch:
            continue  # Jobs run to completion; probes do not apply
        for container in pod.containers(("containers",)):
            for rule, field in ((LIVENESS, "livenessProbe"), (READINESS, "readinessProbe")):
                if not isinstance(container.body.get(field), dict):
                    yield finding(rule, pod.obj, container.path, f"container {container.name!r} has no {field}")
