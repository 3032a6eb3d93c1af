"""SBOM files as scan input: CycloneDX JSON and SPDX 2.x JSON, ours or another tool's.

Packages come from each component's purl (type, name, version, ``distro`` and ``upstream``
qualifiers, an rpm's ``epoch``); dockgate's own ``dockgate:*`` properties and syft's ``syft:metadata:source*``
properties add source package name/version and location. The OS comes from an
operating-system component or, failing that, a ``distro`` qualifier such as ``debian-12``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, NamedTuple
from urllib.parse import unquote

from dockgate.catalog.package import OSInfo, Package
from dockgate.errors import InputError, LimitExceeded
from dockgate.image.jsonload import read_json_file

MAX_SBOM_BYTES = 512 << 20
MAX_DEPTH = 64
_PURL_TYPES = {"deb": "deb", "apk": "apk", "rpm": "rpm", "pypi": "python", "npm": "npm", "golang": "go-module"}
_SOURCE_COMMENT = re.compile(r"source package (\S+)(?: (\S+))?")


@dataclass
class SbomInput:
    format: str  # "cyclonedx" or "spdx"
    name: str
    os: OSInfo
    packages: list[Package]
    warnings: list[str] = field(default_factory=list)


def sniff_sbom(path: Path) -> str | None:
    """"cyclonedx" or "spdx" when ``path`` is a JSON SBOM (judged by its first bytes and keys)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    if not head.lstrip().startswith(b"{"):
        return None
    if b'"bomFormat"' in head or b'"CycloneDX"' in head:
        return "cyclonedx"
    if b'"spdxVersion"' in head:
        return "spdx"
    document = _load(path)
    if document.get("bomFormat") == "CycloneDX":
        return "cyclonedx"
    if "spdxVersion" in document:
        return "spdx"
    return None


def _load(path: Path) -> dict[str, Any]:
    document = read_json_file(path, "SBOM", MAX_SBOM_BYTES)
    if not isinstance(document, dict):
        raise InputError(f"{path}: an SBOM must be a JSON object")
    return document


def read_sbom(path: Path) -> SbomInput:
    document = _load(path)
    if document.get("bomFormat") == "CycloneDX":
        return _read_cyclonedx(document, path)
    if isinstance(document.get("spdxVersion"), str):
        return _read_spdx(document, path)
    raise InputError(f"{path}: neither a CycloneDX nor an SPDX JSON document")


def _walk_components(components: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"CycloneDX components nested deeper than {MAX_DEPTH}")
    if not isinstance(components, list):
        return
    for component in components:
        if isinstance(component, dict):
            yield component
            yield from _walk_components(component.get("components"), depth + 1)


def _os_from_distro(distro: str) -> OSInfo | None:
    """``debian-12``, ``ubuntu-22.04``, ``opensuse-leap-15.5``: the ID is everything before the version."""
    name, _, version = distro.rpartition("-")
    if not version[:1].isdigit():
        name, _, version = distro.partition("-")
    return OSInfo(name.lower(), version) if name and version else None


class ParsedPurl(NamedTuple):
    type: str
    namespace: str
    name: str
    version: str
    qualifiers: dict[str, str]


def _plain(text: str) -> str:
    return unquote(text) if "%" in text else text


def parse_purl(text: str) -> ParsedPurl:
    """A purl split into its parts (percent-decoded), fast enough for SBOMs of many thousands.

    Raises ValueError when ``text`` has no type or name."""
    rest = text[4:].lstrip("/") if text.startswith("pkg:") else ""
    rest = rest.partition("#")[0]
    rest, _, query = rest.partition("?")
    kind, _, path = rest.partition("/")
    head, _, last = path.rstrip("/").rpartition("/")
    last, _, version = last.partition("@")
    name = _plain(last)
    if not kind or not name:
        raise ValueError("a purl needs pkg:<type>/<name>")
    namespace = ("/".join(_plain(part) for part in head.split("/") if part)) if head else ""
    qualifiers = {}
    for pair in query.split("&") if query else ():
        key, _, value = pair.partition("=")
        if key and value:
            qualifiers[key.lower()] = _plain(value)
    return ParsedPurl(kind.lower(), namespace, name, _plain(version), qualifiers)


def _package(
    purl_text: Any, props: dict[str, str], comment: str, warnings: list[str], shown_name: Any = None, shown_version: Any = None
) -> tuple[Package, OSInfo | None] | None:
    """The package a purl names (and the OS its ``distro`` qualifier names); ``shown_version``,
    the SBOM's own version field, stands in when the purl has none."""
    if not isinstance(purl_text, str) or not purl_text.startswith("pkg:"):
        return None
    try:
        purl = parse_purl(purl_text)
    except ValueError as exc:
        warnings.append(f"skipped component with invalid purl {purl_text[:80]!r}: {exc}")
        return None
    kind = _PURL_TYPES.get(purl.type)
    if kind is None:
        return None
    name = f"{purl.namespace}/{purl.name}" if purl.namespace and purl.type in ("golang", "npm") else purl.name
    if isinstance(shown_name, str) and shown_name != name and shown_name.lower().replace("_", "-") == name.lower().replace("_", "-"):
        name = shown_name  # purl types such as pypi lowercase the name; keep the spelling the SBOM shows
    if kind == "go-module" and name == "stdlib":
        kind = "go-stdlib"
    qualifiers = purl.qualifiers
    source_name = props.get("dockgate:package:sourceName") or props.get("syft:metadata:source")
    source_version = props.get("dockgate:package:sourceVersion") or props.get("syft:metadata:sourceVersion")
    upstream = qualifiers.get("upstream")
    version = purl.version or ""
    if kind == "rpm":
        epoch = qualifiers.get("epoch", "")
        if epoch.isdigit() and int(epoch) and version and ":" not in version:
            version = f"{epoch}:{version}"  # rpm purls carry the epoch as a qualifier; OSV compares [epoch:]version-release
        if upstream and upstream.endswith(".rpm"):
            from dockgate.catalog.rpm import source_name as srpm_name

            upstream = srpm_name(upstream)  # the source rpm's file name (foo-1.2-3.el9.src.rpm)
    if upstream and not source_name:
        source_name, _, upstream_version = upstream.partition("@")
        source_version = source_version or upstream_version or None
    found = _SOURCE_COMMENT.search(comment) if comment else None
    if found and not source_name:
        source_name, source_version = found.group(1), found.group(2)
    layer = props.get("dockgate:layer:index")
    package = Package(
        type=kind,
        name=name,
        version=version or (shown_version if isinstance(shown_version, str) else ""),
        purl=purl_text,
        path=props.get("dockgate:location:path", ""),
        layer_index=int(layer) if layer and layer.isdigit() else None,
        layer_digest=props.get("dockgate:layer:diffID"),
        source_name=source_name or None,
        source_version=source_version or None,
        arch=qualifiers.get("arch"),
    )
    distro = qualifiers.get("distro")
    return package, (_os_from_distro(distro) if distro else None)


def _read_cyclonedx(document: dict[str, Any], path: Path) -> SbomInput:
    warnings: list[str] = []
    packages: list[Package] = []
    os_info: OSInfo | None = None
    distro_os: OSInfo | None = None
    metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
    root = metadata.get("component") if isinstance(metadata.get("component"), dict) else {}
    for component in _walk_components(document.get("components")):
        if component.get("type") == "operating-system" and os_info is None:
            os_info = OSInfo(str(component.get("name", "")).lower(), str(component.get("version", "")), str(component.get("description", "")))
            continue
        raw_props = component.get("properties")
        props = {p["name"]: p["value"] for p in raw_props if isinstance(p, dict) and isinstance(p.get("name"), str) and isinstance(p.get("value"), str)} if isinstance(raw_props, list) else {}
        made = _package(component.get("purl"), props, "", warnings, component.get("name"), component.get("version"))
        if made is None:
            continue
        package, from_distro = made
        packages.append(package)
        distro_os = distro_os or from_distro
    name = str(root.get("name") or path.name)
    return SbomInput("cyclonedx", name, os_info or distro_os or OSInfo(""), packages, warnings)


def _read_spdx(document: dict[str, Any], path: Path) -> SbomInput:
    warnings: list[str] = []
    packages: list[Package] = []
    os_info: OSInfo | None = None
    distro_os: OSInfo | None = None
    entries = document.get("packages")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        if entry.get("primaryPackagePurpose") == "OPERATING-SYSTEM" and os_info is None:
            os_info = OSInfo(str(entry.get("name", "")).lower(), str(entry.get("versionInfo", "")))
            continue
        refs = entry.get("externalRefs")
        purls = [r.get("referenceLocator") for r in refs if isinstance(r, dict) and r.get("referenceType") == "purl"] if isinstance(refs, list) else []
        if not purls:
            continue
        comment = entry.get("comment") if isinstance(entry.get("comment"), str) else ""
        made = _package(purls[0], {}, comment, warnings, entry.get("name"), entry.get("versionInfo"))
        if made is None:
            continue
        package, from_distro = made
        packages.append(package)
        distro_os = distro_os or from_distro
    name = str(document.get("name") or path.name)
    return SbomInput("spdx", name, os_info or distro_os or OSInfo(""), packages, warnings)
