"""Read manifests from files, folders (recursively) and stdin into Kubernetes objects.

A file that cannot be read or parsed is an error (the command exits 2) but never stops the
other files from being checked. Documents that are not Kubernetes objects, and kinds this
checker does not know, are reported as warnings and skipped.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, BinaryIO, Iterable

from dockgate.errors import InputError
from dockgate.lint.k8s.model import K8sObject, SourceFile
from dockgate.lint.k8s.workloads import WORKLOAD_KINDS
from dockgate.lint.yaml_safe import Limits, YamlDocument, load_documents

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")

# Kinds the rules understand (workloads are added from workloads.WORKLOAD_KINDS).
OTHER_KNOWN_KINDS = frozenset(
    {
        "Service", "Secret", "ConfigMap", "NetworkPolicy", "Namespace", "ServiceAccount",
        "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "Ingress", "IngressClass",
        "PodDisruptionBudget", "HorizontalPodAutoscaler", "PersistentVolumeClaim", "PersistentVolume",
        "StorageClass", "LimitRange", "ResourceQuota", "PriorityClass", "Endpoints", "EndpointSlice",
        "PodTemplate", "CustomResourceDefinition", "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
        "RuntimeClass", "Lease", "APIService",
    }
)
KNOWN_KINDS = WORKLOAD_KINDS | OTHER_KNOWN_KINDS


@dataclass(frozen=True)
class Diagnostic:
    """A problem with the input itself (not a rule finding)."""

    file: str
    line: int | None
    message: str
    error: bool  # True: unreadable input (exit 2); False: reported and skipped

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class LoadResult:
    objects: list[K8sObject] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.error]


def load_inputs(paths: Iterable[str], stdin: BinaryIO | None = None, limits: Limits = Limits()) -> LoadResult:
    """Load every manifest named by ``paths`` ('-' is stdin); errors are collected, not raised."""
    result = LoadResult()
    for path in paths:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read(limits.max_bytes + 1)
            load_bytes(data, "<stdin>", result, limits)
            continue
        target = FsPath(path)
        if target.is_dir():
            for file in _walk(target, result):
                load_file(file, result, limits)
        elif target.exists():
            load_file(target, result, limits)
        else:
            result.diagnostics.append(Diagnostic(path, None, "no such file or directory", True))
    return result


def _walk(folder: FsPath, result: LoadResult) -> list[FsPath]:
    found: list[FsPath] = []

    def unreadable(exc: OSError) -> None:
        result.diagnostics.append(Diagnostic(str(exc.filename or folder), None, f"cannot read folder: {exc.strerror or exc}", True))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(MANIFEST_SUFFIXES):
                found.append(FsPath(root) / name)
    return found


def load_file(file: FsPath, result: LoadResult, limits: Limits = Limits()) -> None:
    name = str(file)
    try:
        with open(file, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        result.diagnostics.append(Diagnostic(name, None, f"cannot read: {exc.strerror or exc}", True))
        return
    load_bytes(data, name, result, limits)


def load_bytes(data: bytes, name: str, result: LoadResult, limits: Limits = Limits()) -> None:
    """Parse one file's bytes and add its objects (or diagnostics) to ``result``."""
    result.files += 1
    try:
        documents = load_documents(data, name, limits)
    except InputError as exc:
        message = str(exc)
        line = None
        prefix = f"{name}:"
        if message.startswith(prefix):  # "name:LINE: problem" -> keep the line separately
            rest = message[len(prefix):]
            head, _, tail = rest.partition(": ")
            if head.isdigit():
                line, message = int(head), tail
            else:
                message = rest.strip()
        result.diagnostics.append(Diagnostic(name, line, message, True))
        return
    source = SourceFile(name, data.decode("utf-8-sig", errors="replace").splitlines())
    for document in documents:
        _add_document(document, source, result)


def _add_document(document: YamlDocument, source: SourceFile, result: LoadResult) -> None:
    value = document.value
    if value is None:
        return  # an empty document ("---" at the end of a file)
    line = document.position(())[0]
    if not isinstance(value, dict):
        result.diagnostics.append(Diagnostic(source.name, line, f"not a Kubernetes object (a {_type_name(value)}); skipped", False))
        return
    if value.get("kind") == "List" or (str(value.get("kind", "")).endswith("List") and isinstance(value.get("items"), list)):
        items = value.get("items")
        if not isinstance(items, list):
            result.diagnostics.append(Diagnostic(source.name, line, "List without an items list; skipped", False))
            return
        for index, item in enumerate(items):
            _add_object(item, document, source, result, ("items", index))
        return
    _add_object(value, document, source, result, ())


def _add_object(value: Any, document: YamlDocument, source: SourceFile, result: LoadResult, base: tuple[Any, ...]) -> None:
    line = document.position(base)[0]
    if not isinstance(value, dict) or not isinstance(value.get("kind"), str) or not isinstance(value.get("apiVersion"), str):
        result.diagnostics.append(Diagnostic(source.name, line, "not a Kubernetes object (no apiVersion and kind); skipped", False))
        return
    kind = value["kind"]
    if kind not in KNOWN_KINDS:
        result.diagnostics.append(Diagnostic(source.name, line, f"unknown kind {kind} ({value['apiVersion']}); skipped", False))
        return
    result.objects.append(K8sObject(value, source, document, base))


def _type_name(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), type(value).__name__)
