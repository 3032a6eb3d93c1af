"""Filesystems: a read-only root filesystem, and no hostPath volumes."""

from __future__ import annotations

from typing import Iterator

from dockgate.lint.engine import Finding, Rule, register
from dockgate.lint.k8s.context import CheckContext, finding
from dockgate.severity import Severity

READ_ONLY_ROOT = register(Rule(
    "DG-K8S-009", "Root filesystem is writable", Severity.MEDIUM,
    "A writable root filesystem lets an intruder drop tools and persist changes inside the container.",
    "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app must write.",
    family="k8s", tags=("filesystem",),
))
HOST_PATH = register(Rule(
    "DG-K8S-010", "hostPath volume", Severity.HIGH,
    "A hostPath volume exposes the node's filesystem to the pod, a common route to escape the container.",
    "Replace the hostPath volume with emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim.",
    family="k8s", tags=("filesystem",),
))
RULES = (READ_ONLY_ROOT, HOST_PATH)


def run(context: CheckContext) -> Iterator[Finding]:
    for pod in context.pods:
        for container in pod.containers(("initContainers", "containers")):
            security = container.body.get("securityContext")
            if not isinstance(security, dict) or security.get("readOnlyRootFilesystem") is not True:
                yield finding(READ_ONLY_ROOT, pod.obj, container.path + ("securityContext", "readOnlyRootFilesystem"),
                              f"container {container.name!r} does not set securityContext.readOnlyRootFilesystem: true")
        volumes = pod.spec.get("volumes")
        for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
            if isinstance(volume, dict) and isinstance(volume.get("hostPath"), dict):
                where = volume["hostPath"].get("path", "?")
                yield finding(HOST_PATH, pod.obj, pod.spec_path + ("volumes", index, "hostPath"),
                              f"volume {volume.get('name')!r} mounts the host path {where!r}")
