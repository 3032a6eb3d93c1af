"""Alpine packages: the apk installed database (/lib/apk/db/installed)."""

from __future__ import annotations

from typing import Any

from packageurl import PackageURL

from dockgate.catalog.base import FinalView
from dockgate.catalog.package import Package
from dockgate.image.visitor import FileEntry

INSTALLED = ("/lib/apk/db/installed", "/usr/lib/apk/db/installed")


def parse_apk_installed(text: str) -> list[dict[str, str]]:
    records: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                records.append(current)
            current = {}
            continue
        if len(line) >= 2 and line[1] == ":":
            key, value = line[0], line[2:]
            if key not in current:  # F:/R: repeat for files; keep the first of each
                current[key] = value
    if current:
        records.append(current)
    return records


class ApkCataloguer:
    name = "apk"

    def wants(self, path: str) -> bool:
        return path in INSTALLED

    def parse(self, entry: FileEntry, data: bytes) -> Any:
        return parse_apk_installed(data.decode("utf-8", "replace"))

    def packages(self, view: FinalView) -> list[Package]:
        distro = f"alpine-{view.os.version_id}" if view.os.id == "alpine" and view.os.version_id else None
        found: dict[str, Package] = {}
        for parsed in view.surviving(self.name):
            for record in parsed.value:
                name, version = record.get("P"), record.get("V")
                if not name or not version:
                    continue
                arch = record.get("A") or None
                origin = record.get("o") or name
                qualifiers = {k: v for k, v in (("arch", arch), ("distro", distro)) if v}
                if origin != name:
                    qualifiers["upstream"] = origin
                package = Package(
                    type="apk",
                    name=name,
                    version=version,
                    purl=PackageURL("apk", "alpine", name, version, qualifiers or None).to_string(),
                    path=parsed.path,
                    source_name=origin,
                    source_version=version,
                    arch=arch,
                    licenses=(record["L"],) if record.get("L") else (),
                )
                found[name] = view.place(package, parsed)
        return list(found.values())
