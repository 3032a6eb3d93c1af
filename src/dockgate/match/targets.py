"""Which OSV (ecosystem, name, version) a catalogued package is looked up under.

Distribution packages (deb, apk, rpm) follow their distribution's OSV conventions, see
:mod:`dockgate.match.distros` (Debian, Ubuntu, Alpine, Wolfi, Chainguard, Red Hat, Rocky
Linux, AlmaLinux, Mageia, openSUSE, SUSE). PyPI names are PEP 503-normalised; npm names as
written (scopes included); Go modules by module path, the Go standard library as ``stdlib``
(and the Go toolchain as ``toolchain``) at the binary's toolchain version.
"""

from __future__ import annotations

from dockgate.catalog.package import OSInfo, Package
from dockgate.match.distros import os_lookups
from dockgate.match.model import Lookup, NotMatchable
from dockgate.versions import VersionError, normalize_go_toolchain
from dockgate.versions.semver import parse_semver
from dockgate.vulndb.osv import normalize_name

__all__ = ["Lookup", "NotMatchable", "lookups_for"]

_OS_TYPES = frozenset({"deb", "apk", "rpm"})


def lookups_for(package: Package, os_info: OSInfo) -> list[Lookup]:
    """Every (ecosystem, name, version) ``package`` is looked up under, the primary one first;
    raises NotMatchable with the reason when there is none."""
    if package.type in _OS_TYPES:
        return os_lookups(package, os_info)
    primary = _language_lookup(package)
    if primary.name == "stdlib" and package.type == "go-stdlib":
        # the Go vulnerability database files cmd/go and linker issues under "toolchain"
        return [primary, Lookup(primary.ecosystem, "toolchain", primary.version)]
    return [primary]


def _language_lookup(package: Package) -> Lookup:
    """The lookup key of a language package; raises NotMatchable with the reason otherwise.

    The version is not parsed here: the matcher parses it only when advisories exist for the name."""
    kind = package.type
    if kind == "python":
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
