"""Go binaries: the toolchain (standard library) and modules an executable was built from."""

from __future__ import annotations

from typing import Any

from packageurl import PackageURL

from dockgate.catalog.base import FinalView
from dockgate.catalog.gobuildinfo import GoBuildInfo, read_build_info
from dockgate.catalog.package import Package
from dockgate.image.visitor import REGULAR, FileEntry

MIN_GO_BINARY = 64 * 1024
# shared libraries and modules that are never Go executables
_SKIP_SUFFIXES = (".so", ".a", ".o", ".py", ".pyc", ".sh", ".pl", ".js", ".json", ".txt", ".gz", ".ko")


def go_purl(path: str, version: str) -> str:
    namespace, _, name = path.rpartition("/")
    return PackageURL("golang", namespace or None, name, version).to_string()


class GoBinaryCataloguer:
    name = "go-binary"

    def wants(self, path: str) -> bool:
        return False  # decided on the entry (executable bit and size), see wants_entry

    def wants_entry(self, entry: FileEntry) -> bool:
        return (
            entry.kind == REGULAR
            and entry.executable
            and entry.size >= MIN_GO_BINARY
            and not entry.path.endswith(_SKIP_SUFFIXES)
            and ".so." not in entry.path
        )

    def parse(self, entry: FileEntry, data: bytes) -> Any:
        return read_build_info(data)

    def packages(self, view: FinalView) -> list[Package]:
        found = []
        for parsed in view.surviving(self.name):
            info: GoBuildInfo = parsed.value
            found.extend(view.place(p, parsed) for p in self._packages_of(info, parsed.path))
        return found

    def _packages_of(self, info: GoBuildInfo, path: str) -> list[Package]:
        toolchain = info.go_version.split()[0]
        settings = {f"build.{k}": v for k, v in info.settings.items()}
        packages = [
            Package(
                type="go-stdlib",
                name="stdlib",
                version=toolchain,
                purl=PackageURL("golang", None, "stdlib", toolchain.removeprefix("go")).to_string(),
                path=path,
                metadata={"go_version": toolchain},
            )
        ]
        if info.main is not None:
            packages.append(
                Package(
                    type="go-module",
                    name=info.main.path,
                    version=info.main.version,
                    purl=go_purl(info.main.path, info.main.version),
                    path=path,
                    metadata={"main_module": "true", "go_version": toolchain, "main_package": info.main_path, **settings},
                )
            )
        for dep in info.deps:
            effective = dep.replaced_by or dep
            meta = {"go_version": toolchain}
            if dep.sum:
                meta["h1"] = dep.sum
            if dep.replaced_by is not None:
                meta["replaces"] = f"{dep.path}@{dep.version}"
            packages.append(
                Package(
                    type="go-module",
                    name=effective.path,
                    version=effective.version,
                    purl=go_purl(effective.path, effective.version),
                    path=path,
                    metadata=meta,
                )
            )
        return packages
