"""The Kubernetes object as the checks see it: its body, where it came from, and positions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from dockgate.lint.engine import Location
from dockgate.lint.yaml_safe import Path, YamlDocument


@dataclass
class SourceFile:
    """A file (or stdin) that was read: its name and its lines, for inline suppression."""

    name: str
    lines: list[str]

    @cached_property
    def has_suppressions(self) -> bool:
        """Whether any line may carry a ``dockgate:ignore`` comment (fast path for the rest)."""
        return any("dockgate" in line for line in self.lines)


@dataclass
class K8sObject:
    """One Kubernetes object; ``base`` is its path inside the YAML document (List items)."""

    body: dict[str, Any]
    source: SourceFile
    document: YamlDocument
    base: Path = ()

    @property
    def kind(self) -> str:
        return str(self.body.get("kind") or "")

    @property
    def api_version(self) -> str:
        return str(self.body.get("apiVersion") or "")

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.body.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str:
        return str(self.metadata.get("name") or self.metadata.get("generateName") or "<unnamed>")

    @property
    def namespace(self) -> str | None:
        namespace = self.metadata.get("namespace")
        return str(namespace) if namespace else None

    @cached_property
    def ref(self) -> str:
        """Human name: Kind/namespace/name (namespace omitted when not set)."""
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"

    @property
    def start_line(self) -> int:
        return self.document.position(self.base)[0]

    def location(self, path: Path) -> Location:
        """Location of ``path`` (relative to this object), or of its nearest existing parent."""
        line, column = self.document.position(self.base + tuple(path))
        return Location(self.source.name, line, column)


def get_path(value: Any, path: Path) -> Any:
    """Walk ``path`` through dicts and lists; None when any step is missing."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return None
        elif not isinstance(value, dict):
            return None
        value = value[step] if isinstance(step, int) else value.get(step)
    return value


def format_path(path: Path) -> str:
    """("spec", "containers", 0, "image") -> "spec.containers[0].image"."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out
