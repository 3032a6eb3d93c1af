"""Operating system identification: os-release, then alpine-release / debian_version / redhat-release."""

from __future__ import annotations

import shlex
from typing import Any

from dockgate.catalog.base import FinalView
from dockgate.catalog.package import OSInfo, Package
from dockgate.image.visitor import FileEntry

OS_RELEASE_PATHS = ("/etc/os-release", "/usr/lib/os-release")
FALLBACK_PATHS = ("/etc/alpine-release", "/etc/debian_version", "/etc/redhat-release")
_CANDIDATES = frozenset(OS_RELEASE_PATHS + FALLBACK_PATHS)


def parse_os_release(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines()[:200]:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        try:
            parts = shlex.split(raw, comments=False, posix=True)
            value = parts[0] if parts else ""
        except ValueError:
            value = raw.strip().strip("\"'")
        fields[key.strip()] = value
    return fields


class OSReleaseCataloguer:
    name = "os-release"

    def wants(self, path: str) -> bool:
        return path in _CANDIDATES

    def parse(self, entry: FileEntry, data: bytes) -> Any:
        return data[:65536].decode("utf-8", "replace")

    def packages(self, view: FinalView) -> list[Package]:
        return []

    def detect(self, view: FinalView) -> OSInfo:
        for path in OS_RELEASE_PATHS:
            parsed = view.read_parsed(self.name, path)
            if parsed is not None:
                fields = parse_os_release(parsed.value)
                if fields.get("ID"):
                    version = fields.get("VERSION_ID", "")
                    if fields["ID"] == "debian" and not version:
                        version = self._debian_major(view)
                    return OSInfo(fields["ID"].lower(), version, fields.get("PRETTY_NAME", ""), fields.get("VERSION_CODENAME", ""))
        alpine = view.read_parsed(self.name, "/etc/alpine-release")
        if alpine is not None:
            return OSInfo("alpine", alpine.value.strip(), f"Alpine Linux v{alpine.value.strip()}")
        major = self._debian_major(view)
        if major:
            return OSInfo("debian", major, f"Debian GNU/Linux {major}")
        redhat = view.read_parsed(self.name, "/etc/redhat-release")
        if redhat is not None:
            text = redhat.value.strip()
            version = next((w for w in text.split() if w[:1].isdigit()), "")
            return OSInfo("rhel", version, text)
        return OSInfo("")

    def _debian_major(self, view: FinalView) -> str:
        parsed = view.read_parsed(self.name, "/etc/debian_version")
        if parsed is None:
            return ""
        text = parsed.value.strip()
        return text.split(".")[0] if text[:1].isdigit() else ""
