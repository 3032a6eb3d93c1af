"""From a workload object to its pod: where the pod spec and pod metadata are, and containers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from dockgate.lint.k8s.model import K8sObject, get_path
from dockgate.lint.yaml_safe import Path

# kind -> path from the object to the pod template (metadata + spec live under it)
TEMPLATE_PATHS: dict[str, Path] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
WORKLOAD_KINDS = frozenset(TEMPLATE_PATHS)
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
BATCH_KINDS = frozenset({"Job", "CronJob"})


@dataclass(frozen=True)
class Container:
    body: dict[str, Any]
    path: Path  # relative to the object
    list_name: str  # "containers", "initContainers", "ephemeralContainers"

    @property
    def name(self) -> str:
        return str(self.body.get("name") or "<unnamed>")


@dataclass(frozen=True)
class PodTemplate:
    """The pod of a workload: its spec and metadata with their paths inside the object."""

    obj: K8sObject
    spec: dict[str, Any]
    metadata: dict[str, Any]
    spec_path: Path
    metadata_path: Path

    @property
    def is_batch(self) -> bool:
        return self.obj.kind in BATCH_KINDS

    def containers(self, lists: tuple[str, ...] = CONTAINER_LISTS) -> Iterator[Container]:
        for list_name in lists:
            items = self.spec.get(list_name)
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    yield Container(item, self.spec_path + (list_name, index), list_name)

    @property
    def labels(self) -> dict[str, Any]:
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def namespace(self) -> str:
        return self.obj.namespace or "default"


def pod_template(obj: K8sObject) -> PodTemplate | None:
    """The pod template of a workload, or None when ``obj`` is not one (or has no spec)."""
    base = TEMPLATE_PATHS.get(obj.kind)
    if base is None:
        return None
    spec_path = base + ("spec",)
    metadata_path = base + ("metadata",)
    spec = get_path(obj.body, spec_path)
    if not isinstance(spec, dict):
        return None
    metadata = get_path(obj.body, metadata_path)
    return PodTemplate(obj, spec, metadata if isinstance(metadata, dict) else {}, spec_path, metadata_path)
