"""The seams between the gate and the packages that do the checking.

The gate judges; other packages find things: ``dockgate.lint`` (Dockerfile and Kubernetes
rules, Pod Security Standards), ``dockgate.scan``/``vulndb`` (vulnerabilities),
``dockgate.secrets`` and ``dockgate.sign``. Each is reached through one callable below.
:func:`default_providers` looks them up by their public names; a provider that is not
installed stays ``None`` and the gate reports the check as not evaluated (failing closed).
Tests and embedders pass their own :class:`Providers`.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

from dockgate.gate.vulnerabilities import ScanOutcome
from dockgate.lint.engine import Finding


class DockerfileLinter(Protocol):
    def __call__(self, path: Path) -> list[Finding]: ...


class ManifestLinter(Protocol):
    def __call__(self, paths: list[Path], pod_security_level: str, pod_security_version: str) -> list[Finding]: ...


class ObjectLinter(Protocol):
    """Kubernetes rules (Pod Security included) on one object already parsed (admission)."""

    def __call__(self, obj: dict[str, Any], pod_security_level: str, pod_security_version: str) -> list[Finding]: ...


class DigestResolver(Protocol):
    """Ask the registry which manifest digest ``image`` (a tag) points at now."""

    def __call__(self, image: str) -> str: ...


class DatabaseInfo(Protocol):
    """The vulnerability database's version string and build time (UTC)."""

    def __call__(self) -> tuple[str, datetime.datetime]: ...


class ImageScanner(Protocol):
    def __call__(self, image: str) -> ScanOutcome: ...


class SecretScanner(Protocol):
    def __call__(self, image: str) -> list[Finding]: ...


class SignatureVerifier(Protocol):
    """Return how many of ``keys`` made a valid signature over ``image``'s manifest."""

    def __call__(self, image: str, keys: list[str]) -> int: ...


@dataclass
class Providers:
    dockerfile: DockerfileLinter | None = None
    kubernetes: ManifestLinter | None = None
    vulnerabilities: ImageScanner | None = None
    secrets: SecretScanner | None = None
    signatures: SignatureVerifier | None = None
    kubernetes_object: ObjectLinter | None = None
    resolver: DigestResolver | None = None
    database: DatabaseInfo | None = None


# (module, attribute) the gate looks for; the owning packages provide these names.
PUBLIC_NAMES: dict[str, tuple[str, str]] = {
    "dockerfile": ("dockgate.lint.dockerfile", "gate_dockerfile_findings"),
    "kubernetes": ("dockgate.gate.adapters", "kubernetes_manifest_findings"),
    "vulnerabilities": ("dockgate.scan", "gate_scan_outcome"),
    "secrets": ("dockgate.gate.adapters", "image_secret_findings"),
    "signatures": ("dockgate.gate.adapters", "count_valid_signatures"),
    "kubernetes_object": ("dockgate.gate.adapters", "kubernetes_object_findings"),
    "resolver": ("dockgate.gate.adapters", "resolve_digest"),
    "database": ("dockgate.vulndb", "gate_database_info"),
}


def _lookup(module: str, attribute: str) -> Callable[..., Any] | None:
    try:
        found = getattr(importlib.import_module(module), attribute, None)
    except ImportError:
        return None
    return found if callable(found) else None


def default_providers() -> Providers:
    return Providers(**{name: _lookup(*where) for name, where in PUBLIC_NAMES.items()})
