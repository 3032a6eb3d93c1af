"""How cataloguers plug into the single layer pass.

A :class:`Cataloguer` says which files it wants (a cheap predicate on the path), parses each
one as it streams by, and at the end turns the parses that survive in the final filesystem
into packages. Parses are kept per (path, layer), so a file overwritten or deleted by a
later layer is dropped by looking at the merged index, with no whiteout logic here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

from dockgate.catalog.package import OSInfo, Package
from dockgate.image.fsindex import FsIndex
from dockgate.image.visitor import FileEntry


@dataclass
class Parsed:
    path: str
    layer_index: int
    value: Any
    entry: FileEntry


@dataclass
class FinalView:
    """What cataloguers see when they build packages: the merged index and surviving parses."""

    index: FsIndex
    os: OSInfo
    layer_digests: list[str]
    parsed: dict[str, dict[tuple[str, int], Parsed]]
    is_rootfs: bool = False
    warnings: list[str] = field(default_factory=list)

    def surviving(self, cataloguer: str) -> Iterator[Parsed]:
        """Parses whose file is still, from that same layer, in the final filesystem."""
        for (path, layer), parsed in sorted(self.parsed.get(cataloguer, {}).items()):
            if self.index.layer_of(path) == layer:
                yield parsed

    def read_parsed(self, cataloguer: str, path: str) -> Parsed | None:
        """The surviving parse of ``path`` after resolving symlinks inside the image."""
        real = self.index.resolve(path)
        if real is None:
            return None
        layer = self.index.layer_of(real)
        return self.parsed.get(cataloguer, {}).get((real, layer)) if layer is not None else None

    def exists(self, path: str) -> bool:
        return self.index.resolve(path) is not None

    def layer_digest(self, layer_index: int) -> str | None:
        if self.is_rootfs or not (0 <= layer_index < len(self.layer_digests)):
            return None
        return self.layer_digests[layer_index]

    def place(self, package: Package, parsed: Parsed) -> Package:
        """Stamp the layer index and digest of the file a package came from."""
        if not self.is_rootfs:
            package.layer_index = parsed.layer_index
            package.layer_digest = self.layer_digest(parsed.layer_index)
        return package


class Cataloguer(Protocol):
    name: str

    def wants(self, path: str) -> bool:
        """Cheap predicate on an in-image path (regular files only)."""

    def parse(self, entry: FileEntry, data: bytes) -> Any:
        """Parse one file's bytes; return None to ignore it. Raise ValueError on malformed content."""

    def packages(self, view: FinalView) -> list[Package]:
        """Packages found in the final filesystem."""
