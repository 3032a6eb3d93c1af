"""Debian packages: /var/lib/dpkg/status and the distroless /var/lib/dpkg/status.d/* layout."""

from __future__ import annotations

import re
from typing import Any

from packageurl import PackageURL

from dockgate.catalog.base import FinalView
from dockgate.catalog.package import Package
from dockgate.image.visitor import FileEntry

STATUS = "/var/lib/dpkg/status"
STATUS_D = "/var/lib/dpkg/status.d/"
_SOURCE_RE = re.compile(r"^(\S+)(?:\s+\((\S+)\))?\s*$")


def parse_control_paragraphs(text: str) -> list[dict[str, str]]:
    """RFC 822-style paragraphs; continuation lines are joined to their field."""
    paragraphs: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last_key = None
    for line in text.splitlines():
        if not line.strip():
            if current:
                paragraphs.append(current)
            current, last_key = {}, None
            continue
        if line[0] in " \t":
            if last_key is not None:
                current[last_key] += "\n" + line.strip()
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        last_key = key.strip()
        current[last_key] = value.strip()
    if current:
        paragraphs.append(current)
    return paragraphs


def source_of(paragraph: dict[str, str]) -> tuple[str, str]:
    """(source name, source version): Source: may carry its own version in parentheses."""
    name, version = paragraph.get("Package", ""), paragraph.get("Version", "")
    source = paragraph.get("Source", "")
    if source:
        match = _SOURCE_RE.match(source)
        if match:
            return match.group(1), match.group(2) or version
    return name, version


class DpkgCataloguer:
    name = "dpkg"

    def wants(self, path: str) -> bool:
        if path == STATUS:
            return True
        return path.startswith(STATUS_D) and "/" not in path[len(STATUS_D) :] and not path.endswith(".md5sums")

    def parse(self, entry: FileEntry, data: bytes) -> Any:
        return parse_control_paragraphs(data.decode("utf-8", "replace"))

    def packages(self, view: FinalView) -> list[Package]:
        distro_ns = view.os.id if view.os.id in ("debian", "ubuntu") else "debian"
        distro = f"{view.os.id}-{view.os.version_id}" if view.os.id and view.os.version_id else None
        found: dict[tuple[str, str], Package] = {}
        for parsed in view.surviving(self.name):
            from_status_file = parsed.path == STATUS
            for paragraph in parsed.value:
                name, version = paragraph.get("Package"), paragraph.get("Version")
                if not name or not version:
                    continue
                status = paragraph.get("Status", "")
                if from_status_file and status.split()[-1:] != ["installed"]:
                    continue
                arch = paragraph.get("Architecture") or None
                src_name, src_version = source_of(paragraph)
                qualifiers = {k: v for k, v in (("arch", arch), ("distro", distro)) if v}
                if src_name != name:
                    qualifiers["upstream"] = src_name
                purl = PackageURL("deb", distro_ns, name, version, qualifiers or None).to_string()
                package = Package(
                    type="deb",
                    name=name,
                    version=version,
                    purl=purl,
                    path=parsed.path,
                    source_name=src_name,
                    source_version=src_version,
                    arch=arch,
                    metadata={k: paragraph[k] for k in ("Maintainer", "Installed-Size") if k in paragraph},
                )
                found[(name, arch or "")] = view.place(package, parsed)
        return list(found.values())
