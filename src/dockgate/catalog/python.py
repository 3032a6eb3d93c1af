"""Python distributions: *.dist-info/METADATA and *.egg-info (PKG-INFO file or directory).

Found in any site-packages or dist-packages directory, virtualenvs included.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from packageurl import PackageURL

from dockgate.catalog.base import FinalView
from dockgate.catalog.package import Package
from dockgate.image.visitor import FileEntry

_SITE_DIRS = ("/site-packages/", "/dist-packages/")


def canonical_name(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_metadata_headers(text: str) -> dict[str, str]:
    """Core metadata headers (RFC 822 style), stopping at the body."""
    headers: dict[str, str] = {}
    last = None
    for line in text.splitlines()[:2000]:
        if not line.strip():
            break
        if line[0] in " \t" and last:
            continue  # folded continuation (Description, License): not needed
        key, sep, value = line.partition(":")
        if not sep:
            continue
        last = key.strip()
        if last not in headers:
            headers[last] = value.strip()
    return headers


def _site_dir(path: str) -> str | None:
    for marker in _SITE_DIRS:
        pos = path.rfind(marker)
        if pos >= 0:
            return path[: pos + len(marker) - 1]
    return None


class PythonCataloguer:
    name = "python"

    def wants(self, path: str) -> bool:
        if not ("site-packages/" in path or "dist-packages/" in path):
            return False
        if path.endswith(".dist-info/METADATA") or path.endswith(".egg-info/PKG-INFO"):
            return True
        if path.endswith(".dist-info/INSTALLER"):
            return True
        return path.endswith(".egg-info") and posixpath.dirname(path).endswith(("site-packages", "dist-packages"))

    def parse(self, entry: FileEntry, data: bytes) -> Any:
        text = data[: 4 << 20].decode("utf-8", "replace")
        if entry.path.endswith("/INSTALLER"):
            return {"installer": text.strip()[:64]}
        headers = parse_metadata_headers(text)
        if not headers.get("Name") or not headers.get("Version"):
            raise ValueError("metadata lacks Name or Version")
        return headers

    def packages(self, view: FinalView) -> list[Package]:
        installers: dict[str, str] = {}
        metadata = []
        for parsed in view.surviving(self.name):
            if "installer" in parsed.value:
                installers[posixpath.dirname(parsed.path)] = parsed.value["installer"]
            else:
                metadata.append(parsed)
        found: dict[tuple[str, str, str], Package] = {}
        for parsed in metadata:
            headers = parsed.value
            name, version = headers["Name"], headers["Version"]
            site = _site_dir(parsed.path) or posixpath.dirname(parsed.path)
            meta_dir = parsed.path if parsed.path.endswith(".egg-info") else posixpath.dirname(parsed.path)
            fmt = "dist-info" if meta_dir.endswith(".dist-info") else "egg-info"
            details = {"format": fmt, "site_dir": site, "metadata_version": headers.get("Metadata-Version", "")}
            if meta_dir in installers:
                details["installer"] = installers[meta_dir]
            license_ = headers.get("License-Expression") or headers.get("License") or ""
            package = Package(
                type="python",
                name=name,
                version=version,
                purl=PackageURL("pypi", None, canonical_name(name), version).to_string(),
                path=meta_dir,
                licenses=(license_,) if license_ and license_ != "UNKNOWN" and len(license_) < 200 else (),
                metadata=details,
            )
            found[(site, canonical_name(name), version)] = view.place(package, parsed)
        return list(found.values())
