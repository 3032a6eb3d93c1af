"""The single streaming pass over an image's layers.

For each layer in order: open the blob, verify its digest and size while reading, inflate
it (bounded), verify the diff_id, and walk the tar stream once. Every entry is checked for
hostile paths, recorded in the merged :class:`FsIndex`, shown to every visitor, and the
content of a regular file is read only when some visitor wants it. Nothing is written to disk.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Sequence

from dockgate.errors import InputError, LimitExceeded
from dockgate.image.decompress import LayerStream, compression_from_media_type, sniff_compression
from dockgate.image.digest import VerifyingReader
from dockgate.image.fsindex import FsIndex
from dockgate.image.limits import Limits
from dockgate.image.model import LayerRef, OpenedImage
from dockgate.image.tarstream import TarReader
from dockgate.image.visitor import HARDLINK, REGULAR, SYMLINK, FileEntry, LayerVisitor
from dockgate.progress import Progress

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"


@dataclass
class WalkResult:
    index: FsIndex
    warnings: list[str] = field(default_factory=list)
    entries_per_layer: list[int] = field(default_factory=list)


def entry_path(name: str, what: str, limits: Limits) -> str:
    """Absolute, normalised in-image path of a tar member name; hostile names are errors."""
    if "\x00" in name or len(name) > limits.max_path_length:
        raise InputError(f"{what}: invalid entry name {name[:80]!r}")
    if name.startswith("/"):
        raise InputError(f"{what}: entry {name[:200]!r} has an absolute path (hostile or broken layer)")
    parts = []
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            raise InputError(f"{what}: entry {name[:200]!r} climbs out of the image root with '..' (hostile layer)")
        parts.append(part)
    return "/" + "/".join(parts)


def check_link_target(path: str, target: str, what: str) -> None:
    """A relative symlink whose ``..`` steps climb above the image root is refused."""
    if "\x00" in target:
        raise InputError(f"{what}: symlink {path} has an invalid target")
    if target.startswith("/"):
        return
    depth = len([p for p in posixpath.dirname(path).split("/") if p])
    for part in target.split("/"):
        if part in ("", "."):
            continue
        depth = depth - 1 if part == ".." else depth + 1
        if depth < 0:
            raise InputError(f"{what}: symlink {path} -> {target[:200]} points outside the image root (hostile layer)")


def walk_layers(image: OpenedImage, visitors: Sequence[LayerVisitor], limits: Limits, progress: Progress) -> WalkResult:
    result = WalkResult(index=FsIndex())
    for layer in image.layers:
        progress.describe(f"layer {layer.index + 1}/{len(image.layers)}")
        count = _walk_layer(layer, image.reference, visitors, limits, result, progress)
        result.entries_per_layer.append(count)
        result.index.end_layer(layer.index)
    return result


def _walk_layer(layer: LayerRef, reference: str, visitors: Sequence[LayerVisitor], limits: Limits, result: WalkResult, progress: Progress) -> int:
    what = f"{reference}: layer {layer.index} ({layer.diff_id[:19]})"
    raw = layer.open_blob()
    try:
        blob = VerifyingReader(raw, layer.digest, layer.size, what)
        head = blob.read(4)
        compression = (compression_from_media_type(layer.media_type) if layer.media_type else None) or sniff_compression(head)
        stream = LayerStream(_Prefixed(head, blob), compression, layer.size, limits, what)
        count = _walk_tar(stream, layer.index, what, visitors, limits, result)
        stream.drain()
        blob.verify()
        if stream.diff_id() != layer.diff_id:
            raise InputError(f"{what}: uncompressed content hashes to {stream.diff_id()}, the config says {layer.diff_id} (tampered or corrupt)")
        progress.advance(layer.size or 0)
        return count
    finally:
        raw.close()


class _Prefixed:
    """Put back the bytes read to sniff the compression."""

    def __init__(self, head: bytes, rest: VerifyingReader) -> None:
        self._head = head
        self._rest = rest

    def read(self, n: int = -1) -> bytes:
        if self._head:
            if n is None or n < 0:
                data, self._head = self._head + self._rest.read(-1), b""
                return data
            data, self._head = self._head[:n], self._head[n:]
            if len(data) < n:
                data += self._rest.read(n - len(data))
            return data
        return self._rest.read(n)


def _walk_tar(stream: LayerStream, layer_index: int, what: str, visitors: Sequence[LayerVisitor], limits: Limits, result: WalkResult) -> int:
    index = result.index
    count = 0
    reader = TarReader(stream, what)
    for member in reader:
        count += 1
        if count > limits.max_entries_per_layer:
            raise LimitExceeded(f"{what}: more than {limits.max_entries_per_layer} entries")
        path = entry_path(member.name, what, limits)
        if path == "/":
            continue
        name = path[path.rfind("/") + 1 :]
        if name.startswith(WHITEOUT_PREFIX):
            parent = posixpath.dirname(path)
            if name == OPAQUE_MARKER:
                _whiteout(index, visitors, layer_index, parent, True)
            elif not name.startswith(".wh..wh."):
                _whiteout(index, visitors, layer_index, posixpath.join(parent, name[len(WHITEOUT_PREFIX):]), False)
            continue
        kind = member.kind
        target: str | None = None
        if kind == SYMLINK:
            check_link_target(path, member.linkname, what)
            target = member.linkname
        elif kind == HARDLINK:
            target = entry_path(member.linkname, what, limits)
        if member.size > limits.max_layer_bytes:
            raise LimitExceeded(f"{what}: entry {path} claims {member.size} bytes, beyond the layer bound")
        entry = FileEntry(path, kind, member.size if kind == REGULAR else 0, member.mode & 0o7777, member.uid, member.gid, layer_index, target)
        for visitor in visitors:
            visitor.on_entry(entry)
        if kind != REGULAR:
            index.add(entry)
            continue
        wanting = [v for v in visitors if v.wants(entry)]
        if not wanting:
            index.forget(path, layer_index)
            continue
        index.add(entry)
        if entry.size > limits.max_file_size:
            result.warnings.append(f"{what}: skipped {path}: {entry.size} bytes is over the --max-file-size bound {limits.max_file_size}")
            continue
        data = reader.read_data(limits.max_file_size)
        for visitor in wanting:
            visitor.on_file(entry, data)
    return count


def _whiteout(index: FsIndex, visitors: Sequence[LayerVisitor], layer_index: int, path: str, opaque: bool) -> None:
    index.whiteout(layer_index, path, opaque)
    for visitor in visitors:
        visitor.on_whiteout(layer_index, path, opaque)
