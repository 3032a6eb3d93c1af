"""The PSS rule family: evaluate each workload's pod at the chosen level and version."""

from __future__ import annotations

from typing import Iterator

from dockgate.lint.engine import Finding
from dockgate.lint.k8s.context import CheckContext, finding
from dockgate.lint.k8s.pss.standards import CHECKS, NEWEST, evaluate

RULES = tuple(check.rule for check in CHECKS)


def run(context: CheckContext) -> Iterator[Finding]:
    level = context.options.pss_level
    version = context.options.pss_version or NEWEST
    label = f"{level} v{version[0]}.{version[1]}"
    for pod in context.pods:
        for check, violation in evaluate(pod, level, version):
            yield finding(check.rule, pod.obj, violation.path, f"{violation.message} (Pod Security {label})")
