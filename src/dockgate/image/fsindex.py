"""The merged filesystem view: which layer last wrote each path that matters, after whiteouts.

To keep memory flat however large the image, the index records directories, symlinks,
hardlinks and the regular files some visitor read, not every plain file: that is all that
whiteout handling, symlink resolution and the cataloguers' "does this file survive?"
question need. Values are packed into one small int (layer << 3 | kind).

Whiteouts (``.wh.NAME``, ``.wh..wh..opq``) and a non-directory replacing a lower directory
hide lower-layer paths; they are applied at the end of each layer, to lower layers only, as
the OCI image spec says. Symlinks resolve inside the image root only: ``..`` stops at ``/``
and nothing on the host is consulted.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Iterator

from dockgate.errors import InputError
from dockgate.image.visitor import DIRECTORY, HARDLINK, OTHER, REGULAR, SYMLINK, FileEntry

_KINDS = (REGULAR, DIRECTORY, SYMLINK, HARDLINK, OTHER)
_CODE = {kind: code for code, kind in enumerate(_KINDS)}
_DIR = _CODE[DIRECTORY]


@dataclass(frozen=True, slots=True)
class Deletion:
    path: str
    layer_index: int  # the layer whose whiteout (or replacement) removed it
    opaque: bool


class FsIndex:
    def __init__(self) -> None:
        self._entries: dict[str, int] = {}  # path -> layer << 3 | kind code
        self._links: dict[str, str] = {}  # symlink / hardlink path -> target
        self._pending_paths: set[str] = set()  # removed with their subtree (lower layers)
        self._pending_subtrees: set[str] = set()  # only the subtree below (opaque, dir replaced)
        self.deletions: list[Deletion] = []

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, entry: FileEntry) -> None:
        path = entry.path
        kind = _CODE[entry.kind]
        previous = self._entries.get(path)
        if previous is not None and previous & 7 == _DIR:
            if kind == _DIR:
                return  # a directory listed again in a later layer keeps what it holds
            if previous >> 3 < entry.layer_index:
                self._pending_subtrees.add(path)
        self._entries[path] = entry.layer_index << 3 | kind
        if entry.link_target is not None:
            self._links[path] = entry.link_target
        elif path in self._links:
            del self._links[path]

    def forget(self, path: str, layer_index: int) -> None:
        """A plain file nobody read now stands at ``path``: drop what lower layers had there."""
        code = self._entries.pop(path, None)
        if code is None:
            return
        self._links.pop(path, None)
        if code & 7 == _DIR and code >> 3 < layer_index:
            self._pending_subtrees.add(path)

    def whiteout(self, layer_index: int, path: str, opaque: bool) -> None:
        (self._pending_subtrees if opaque else self._pending_paths).add(path)
        self.deletions.append(Deletion(path, layer_index, opaque))

    def end_layer(self, layer_index: int) -> None:
        """Apply this layer's whiteouts to the lower layers."""
        if not self._pending_paths and not self._pending_subtrees:
            return
        paths, subtrees = self._pending_paths, self._pending_subtrees
        prefixes = tuple(p.rstrip("/") + "/" for p in paths | subtrees)
        doomed = [path for path, code in self._entries.items() if code >> 3 < layer_index and (path in paths or path.startswith(prefixes))]
        for path in doomed:
            del self._entries[path]
            self._links.pop(path, None)
        self._pending_paths = set()
        self._pending_subtrees = set()

    def get(self, path: str) -> tuple[int, str, str | None] | None:
        """(layer index, kind, link target) of a recorded path."""
        code = self._entries.get(path)
        if code is None:
            return None
        return code >> 3, _KINDS[code & 7], self._links.get(path)

    def layer_of(self, path: str) -> int | None:
        code = self._entries.get(path)
        return None if code is None else code >> 3

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
            code = self._entries.get(candidate)
            kind = None if code is None else _KINDS[code & 7]
            if kind == SYMLINK:
                hops += 1
                if hops > max_hops:
                    raise InputError(f"symlink loop (or more than {max_hops} links) resolving {path}")
                target = self._links.get(candidate, "")
                parts = [p for p in target.split("/") if p] + parts
                if target.startswith("/"):
                    resolved = "/"
                continue
            if kind == HARDLINK and not parts:
                candidate = self._links.get(candidate, candidate)
            resolved = candidate
        return resolved if resolved == "/" or resolved in self._entries else None
