"""The contract between the single layer pass and everything that reads image files.

The layer walker streams every layer once, in order. For each tar entry it builds a
:class:`FileEntry`, tells every visitor about it (``on_entry``: metadata only, cheap), and
for regular files asks each visitor ``wants(entry)``; only when at least one says yes is
the content read (bounded by the size limit) and handed to those visitors' ``on_file``.
Whiteouts are reported through ``on_whiteout`` before the merged view drops the paths.
Visitors never see host paths and never extract anything to disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

REGULAR = "file"
DIRECTORY = "dir"
SYMLINK = "symlink"
HARDLINK = "hardlink"
OTHER = "other"


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str  # absolute and normalised inside the image: "/etc/os-release"
    kind: str  # REGULAR, DIRECTORY, SYMLINK, HARDLINK, OTHER
    size: int
    mode: int  # permission bits, setuid/setgid/sticky included (no file-type bits)
    uid: int
    gid: int
    layer_index: int  # 0-based; a root filesystem directory is read as the single layer 0
    link_target: str | None = None  # symlink target as written, or hardlink target (absolute)

    @property
    def executable(self) -> bool:
        return bool(self.mode & 0o111)


class LayerVisitor(Protocol):
    def on_entry(self, entry: FileEntry) -> None:
        """Every entry of every layer (metadata only)."""

    def wants(self, entry: FileEntry) -> bool:
        """Cheap predicate on a regular file's entry: should its content be read?"""

    def on_file(self, entry: FileEntry, data: bytes) -> None:
        """The content of a regular file this visitor wanted."""

    def on_whiteout(self, layer_index: int, path: str, opaque: bool) -> None:
        """``path`` (or, when opaque, everything below directory ``path``) is deleted from earlier layers."""
