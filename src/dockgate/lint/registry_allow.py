"""Allow-list of registries (``--allowed-registries`` or a policy's ``allowedRegistries``).

An entry is a registry host (``ghcr.io``, ``registry.example.com:5000``) or a host with a
path prefix (``ghcr.io/my-org``). ``docker.io`` and its aliases mean Docker Hub. Matching is
case-insensitive; an empty list allows everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

_HUB_ALIASES = {"docker.io", "index.docker.io", "registry-1.docker.io", "hub.docker.com"}


def _normalise(entry: str) -> str:
    entry = entry.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    host, sep, rest = entry.partition("/")
    if host in _HUB_ALIASES:
        host = "docker.io"
    return host + (sep + rest if rest else "")


@dataclass(frozen=True)
class RegistryAllowList:
    entries: tuple[str, ...] = ()

    @classmethod
    def parse(cls, values: str | Iterable[str] | None) -> "RegistryAllowList":
        if values is None:
            return cls()
        items = values.split(",") if isinstance(values, str) else [p for v in values for p in v.split(",")]
        return cls(tuple(_normalise(p) for p in items if p.strip()))

    def allows(self, registry: str, repository: str) -> bool:
        """Whether ``registry/repository`` is under one of the entries (always, when empty)."""
        if not self.entries:
            return True
        name = f"{_normalise(registry)}/{repository.lower()}"
        return any(name == entry or name.startswith(entry + "/") for entry in self.entries)
