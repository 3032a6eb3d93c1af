"""Which OSV (ecosystem, name, version) a catalogued package is looked up under.

Debian binary packages are matched by source name and source version in ``Debian:<major>``;
Alpine packages by origin in ``Alpine:v<major.minor>``; PyPI names PEP 503-normalised; npm
names as written (scopes included); Go modules by module path, the Go standard library as
``stdlib`` (and the Go toolchain as ``toolchain``) at the binary's toolchain version.
"""

from __future__ import annotations

from dataclasses import dataclass

from dockgate.catalog.package import OSInfo, Package
from dockgate.versions import VersionError, normalize_go_toolchain
from dockgate.versions.semver import parse_semver
from dockgate.vulndb.osv import normalize_name


@dataclass(slots=True)
class Lookup:
    ecosystem: str
    name: str
    version: str


class NotMatchable(Exception):
    """Why a package cannot be looked up; it is reported as unmatched, never dropped."""


def _os_ecosystem(package: Package, os_info: OSInfo) -> str:
    if package.type == "deb":
        if os_info.id != "debian" or not os_info.version_id:
            raise NotMatchable(f"deb package on {os_info.id or 'an unknown OS'} {os_info.version_id}: only Debian releases are covered")
        return f"Debian:{os_info.version_id.split('.', 1)[0]}"
    if os_info.id != "alpine" or not os_info.version_id:
        raise NotMatchable(f"apk package on {os_info.id or 'an unknown OS'}: only Alpine releases are covered")
    parts = os_info.version_id.split(".")
    if len(parts) < 2:
        raise NotMatchable(f"Alpine version {os_info.version_id!r} has no minor release")
    return f"Alpine:v{parts[0]}.{parts[1]}"


def lookups_for(package: Package, os_info: OSInfo) -> list[Lookup]:
    """Every (ecosystem, name, version) ``package`` is looked up under, the primary one first;
    raises NotMatchable with the reason when there is none."""
    primary = lookup_for(package, os_info)
    if primary.name == "stdlib" and package.type == "go-stdlib":
        # the Go vulnerability database files cmd/go and linker issues under "toolchain"
        return [primary, Lookup(primary.ecosystem, "toolchain", primary.version)]
    return [primary]


def lookup_for(package: Package, os_info: OSInfo) -> Lookup:
    """The primary lookup key for ``package``; raises NotMatchable with the reason otherwise.

    The version is not parsed here: the matcher parses it only when advisories exist for the name."""
    kind = package.type
    if kind in ("deb", "apk"):
        ecosystem = _os_ecosystem(package, os_info)
        name = package.source_name or package.name
        version = (package.source_version or package.version) if kind == "deb" else package.version
    elif kind == "python":
        ecosystem, name, version = "PyPI", normalize_name("PyPI", package.name), package.version
    elif kind == "npm":
        ecosystem, name, version = "npm", package.name, package.version
    elif kind == "go-module":
        if package.version == "(devel)":
            # a main module built from a working tree carries no version; its code is the user's own
            raise NotMatchable("built from a source tree ((devel)): nothing released to look up")
        ecosystem, name, version = "Go", package.name, package.version
    elif kind == "go-stdlib":
        ecosystem, name, version = "Go", "stdlib", _stdlib_version(package.version)
    else:
        raise NotMatchable(f"no OSV ecosystem is covered for {kind} packages")
    return Lookup(ecosystem, name, version)


def _stdlib_version(text: str) -> str:
    """The semver OSV files the Go standard library under: go1.21rc2, v1.21.0-rc.2 and 1.21 all work."""
    raw = text.removeprefix("v")
    if not raw.startswith("go") and parse_semver(raw) is not None:
        return raw  # already semver, as syft and OSV write it
    try:
        return normalize_go_toolchain(raw if raw.startswith("go") else f"go{raw}")
    except VersionError as exc:
        raise NotMatchable(str(exc)) from None
