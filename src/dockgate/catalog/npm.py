"""npm packages: node_modules/**/package.json, and package-lock.json (v1, v2, v3) where
no node_modules tree is installed beside it."""

from __future__ import annotations

import posixpath
from typing import Any

import orjson
from packageurl import PackageURL

from dockgate.catalog.base import FinalView
from dockgate.catalog.package import Package
from dockgate.image.visitor import FileEntry

_NM = "/node_modules/"


def is_package_root(path: str) -> bool:
    """node_modules/<name>/package.json or node_modules/@scope/<name>/package.json."""
    pos = path.rfind(_NM)
    if pos < 0 or not path.endswith("/package.json"):
        return False
    rest = path[pos + len(_NM) :].split("/")
    if rest[0].startswith("@"):
        return len(rest) == 3
    return len(rest) == 2 and not rest[0].startswith(".")


def npm_purl(name: str, version: str) -> str:
    namespace, _, short = name.rpartition("/")
    return PackageURL("npm", namespace or None, short, version).to_string()


def _lock_packages(lock: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    out: list[tuple[str, str, dict[str, str]]] = []
    packages = lock.get("packages")
    if isinstance(packages, dict) and lock.get("lockfileVersion", 1) in (2, 3):
        for key, info in packages.items():
            if not key or not isinstance(info, dict) or info.get("link"):
                continue
            pos = key.rfind("node_modules/")
            if pos < 0:
                continue
            name = info.get("name") or key[pos + len("node_modules/") :]
            version = info.get("version")
            if isinstance(name, str) and isinstance(version, str):
                flags = {k: "true" for k in ("dev", "optional") if info.get(k)}
                out.append((name, version, {"lock_key": key, **flags}))
        return out
    dependencies = lock.get("dependencies")
    stack = [dependencies] if isinstance(dependencies, dict) else []
    while stack:
        level = stack.pop()
        for name, info in level.items():
            if not isinstance(info, dict):
                continue
            version = info.get("version")
            if isinstance(version, str) and not version.startswith(("file:", "link:")):
                flags = {k: "true" for k in ("dev", "optional") if info.get(k)}
                out.append((name, version, flags))
            nested = info.get("dependencies")
            if isinstance(nested, dict):
                stack.append(nested)
    return out


class NpmCataloguer:
    name = "npm"

    def wants(self, path: str) -> bool:
        if path.endswith("/package.json"):
            return is_package_root(path)
        return path.endswith("/package-lock.json") and _NM not in path

    def parse(self, entry: FileEntry, data: bytes) -> Any:
        value = orjson.loads(data)
        if not isinstance(value, dict):
            raise ValueError("not a JSON object")
        if entry.path.endswith("/package-lock.json"):
            return {"lock": _lock_packages(value)}
        name, version = value.get("name"), value.get("version")
        if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
            return None
        license_ = value.get("license")
        return {"name": name, "version": version, "license": license_ if isinstance(license_, str) else ""}

    def packages(self, view: FinalView) -> list[Package]:
        found: list[Package] = []
        installed_roots: set[str] = set()
        locks = []
        for parsed in view.surviving(self.name):
            value = parsed.value
            if "lock" in value:
                locks.append(parsed)
                continue
            installed_roots.add(parsed.path[: parsed.path.find(_NM)])
            package = Package(
                type="npm",
                name=value["name"],
                version=value["version"],
                purl=npm_purl(value["name"], value["version"]),
                path=parsed.path,
                licenses=(value["license"],) if value["license"] else (),
            )
            found.append(view.place(package, parsed))
        for parsed in locks:
            project = posixpath.dirname(parsed.path)
            if project in installed_roots:
                continue  # node_modules is installed: its package.json files are the truth
            for name, version, flags in parsed.value["lock"]:
                package = Package(
                    type="npm",
                    name=name,
                    version=version,
                    purl=npm_purl(name, version),
                    path=parsed.path,
                    metadata={"from": "package-lock.json", **flags},
                )
                found.append(view.place(package, parsed))
        return found
