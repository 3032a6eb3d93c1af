"""The merged filesystem view: which layer last wrote each path, after whiteouts.

Built entry by entry during the single pass. Whiteouts (``.wh.NAME``, ``.wh..wh..opq``) and
a non-directory replacing a lower directory hide lower-layer paths; they are applied at the
end of each layer, to lower layers only, as the OCI image spec says. Symlinks are resolved
inside the image root only: ``..`` stops at ``/`` and nothing on the host is consulted.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Iterator

from dockgate.errors import InputError
from dockgate.image.visitor import DIRECTORY, HARDLINK, SYMLINK, FileEntry


@dataclass(frozen=True, slots=True)
class Deletion:
    path: str
    layer_index: int  # the layer whose whiteout (or replacement) removed it
    opaque: bool


class FsIndex:
    def __init__(self) -> None:
        # path -> (layer_index, kind, link_target, size, mode); tuples keep this compact
        self._entries: dict[str, tuple[int, str, str | None, int, int]] = {}
        self._pending_paths: set[str] = set()  # removed with their subtree (lower layers)
        self._pending_subtrees: set[str] = set()  # only the subtree below (opaque, dir replaced)
        self.deletions: list[Deletion] = []

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, entry: FileEntry) -> None:
        previous = self._entries.get(entry.path)
        if previous is not None and previous[1] == DIRECTORY and entry.kind != DIRECTORY and previous[0] < entry.layer_index:
            self._pending_subtrees.add(entry.path)
        if entry.kind == DIRECTORY and previous is not None and previous[1] == DIRECTORY:
            return  # a directory re-listed in a later layer does not change what it holds
        self._entries[entry.path] = (entry.layer_index, entry.kind, entry.link_target, entry.size, entry.mode)

    def whiteout(self, layer_index: int, path: str, opaque: bool) -> None:
        (self._pending_subtrees if opaque else self._pending_paths).add(path)
        self.deletions.append(Deletion(path, layer_index, opaque))

    def end_layer(self, layer_index: int) -> None:
        """Apply this layer's whiteouts to the lower layers."""
        if not self._pending_paths and not self._pending_subtrees:
            return
        paths, subtrees = self._pending_paths, self._pending_subtrees
        prefixes = tuple(p.rstrip("/") + "/" for p in paths | subtrees)
        doomed = [
            path
            for path, record in self._entries.items()
            if record[0] < layer_index and (path in paths or path.startswith(prefixes))
        ]
        for path in doomed:
            del self._entries[path]
        self._pending_paths = set()
        self._pending_subtrees = set()

    def get(self, path: str) -> tuple[int, str, str | None, int, int] | None:
        return self._entries.get(path)

    def layer_of(self, path: str) -> int | None:
        record = self._entries.get(path)
        return None if record is None else record[0]

    def paths(self) -> Iterator[str]:
        return iter(self._entries)

    def resolve(self, path: str, max_hops: int = 40) -> str | None:
        """The real path ``path`` names after following symlinks (and hardlinks) inside the image.

        Returns None when it does not exist; raises InputError on a symlink loop.
        """
        hops = 0
        parts = [p for p in path.split("/") if p]
        resolved = "/"
        while parts:
            part = parts.pop(0)
            if part == ".":
                continue
            if part == "..":
                resolved = posixpath.dirname(resolved)
                continue
            candidate = posixpath.join(resolved, part)
            record = self._entries.get(candidate)
            if record is not None and record[1] == SYMLINK and record[2] is not None:
                hops += 1
                if hops > max_hops:
                    raise InputError(f"symlink loop (or more than {max_hops} links) resolving {path}")
                target = record[2]
                base = "/" if target.startswith("/") else resolved
                parts = [p for p in target.split("/") if p] + parts
                resolved = base if base == "/" else resolved
                continue
            if record is not None and record[1] == HARDLINK and record[2] is not None and not parts:
                candidate = record[2]
            resolved = candidate
        return resolved if resolved == "/" or resolved in self._entries else None
