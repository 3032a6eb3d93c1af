"""The package model every cataloguer produces and every consumer (matcher, reports) reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OSInfo:
    id: str  # "debian", "alpine", "fedora"... ("" when unknown)
    version_id: str = ""
    pretty_name: str = ""
    codename: str = ""


@dataclass
class Package:
    type: str  # "deb", "apk", "rpm", "python", "npm", "go-module", "go-stdlib"
    name: str
    version: str
    purl: str
    path: str  # absolute path inside the image of the file that declared it
    layer_index: int | None = None  # 0-based index into the image's layers (None for rootfs/SBOM input)
    layer_digest: str | None = None  # the layer's diff_id
    source_name: str | None = None  # dpkg Source:, apk origin, rpm source rpm
    source_version: str | None = None
    arch: str | None = None
    licenses: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def ecosystem(self) -> str:
        """The OSV ecosystem family for this package type (release suffix added by the matcher)."""
        return {
            "deb": "Debian",
            "apk": "Alpine",
            "rpm": "Red Hat",
            "python": "PyPI",
            "npm": "npm",
            "go-module": "Go",
            "go-stdlib": "Go",
        }.get(self.type, self.type)
