"""What every rule family receives: all objects, their pods, the options; and finding helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from dockgate.lint.engine import Finding, Rule, Selection
from dockgate.lint.k8s.model import K8sObject, format_path
from dockgate.lint.k8s.workloads import PodTemplate, pod_template
from dockgate.lint.yaml_safe import Path


@dataclass
class CheckOptions:
    selection: Selection = field(default_factory=Selection)
    pss_level: str = "restricted"
    pss_version: tuple[int, int] | None = None  # None: latest


@dataclass
class CheckContext:
    objects: list[K8sObject]
    options: CheckOptions

    @cached_property
    def pods(self) -> list[PodTemplate]:
        return [pod for pod in map(pod_template, self.objects) if pod is not None]

    def of_kind(self, *kinds: str) -> list[K8sObject]:
        return [obj for obj in self.objects if obj.kind in kinds]


def finding(rule: Rule, obj: K8sObject, path: Path, message: str) -> Finding:
    """A finding on ``obj`` at ``path`` (the nearest existing field when ``path`` is missing)."""
    return Finding(rule, message, obj.location(path), obj.ref, format_path(path) or None)
