"""Where the containers are in a Pod or any workload object (Deployment, CronJob...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# kind -> path from the object to its pod spec
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


@dataclass(frozen=True)
class ContainerImage:
    owner: str  # "Deployment/my-app"
    kind: str  # "container", "initContainer", "ephemeralContainer"
    name: str
    image: str
    path: tuple[str | int, ...]  # path of the container object inside the document


def pod_spec_path(obj: dict[str, Any]) -> tuple[str, ...] | None:
    return POD_SPEC_PATHS.get(str(obj.get("kind", "")))


def containers_of(obj: dict[str, Any]) -> list[ContainerImage]:
    spec_path = pod_spec_path(obj)
    if spec_path is None:
        return []
    spec: Any = obj
    for key in spec_path:
        spec = spec.get(key) if isinstance(spec, dict) else None
    if not isinstance(spec, dict):
        return []
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    owner = f"{obj.get('kind')}/{metadata.get('name') or metadata.get('generateName') or '?'}"
    found: list[ContainerImage] = []
    for list_name in CONTAINER_LISTS:
        items = spec.get(list_name)
        if not isinstance(items, list):
            continue
        for index, container in enumerate(items):
            if not isinstance(container, dict):
                continue
            image = container.get("image")
            found.append(
                ContainerImage(
                    owner=owner,
                    kind=list_name[:-1],
                    name=str(container.get("name", index)),
                    image=str(image) if image is not None else "",
                    path=(*spec_path, list_name, index),
                )
            )
    return found
