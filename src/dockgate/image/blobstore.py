"""Named-file access inside an image container: a tar archive or a directory.

Both stores answer ``read(name, limit)`` and ``open(name)`` for names relative to the
archive or directory root, and never let a name reach outside it: names are normalised,
symlinks inside a tar archive are resolved within the archive only, and in a directory
no symlink is followed at all.
"""

from __future__ import annotations

import os
import posixpath
import stat
import tarfile
from pathlib import Path
from typing import BinaryIO

from dockgate.errors import InputError


def normalise_member(name: str) -> str | None:
    """A tar member or manifest path as a clean relative name; None when it escapes the root."""
    if "\x00" in name:
        return None
    clean = posixpath.normpath("/" + name.replace("\\", "/")).lstrip("/")
    parts = name.replace("\\", "/").split("/")
    depth = 0
    for part in parts:
        if part in ("", "."):
            continue
        depth = depth - 1 if part == ".." else depth + 1
        if depth < 0:
            return None
    return clean


class TarStore:
    """An uncompressed tar archive (docker-archive, oci-archive) read in place."""

    def __init__(self, path: Path, what: str) -> None:
        self.what = what
        try:
            with open(path, "rb") as probe:
                head = probe.read(512)
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory, expected an image archive") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        if head[:2] == b"\x1f\x8b" or head[:4] == b"\x28\xb5\x2f\xfd":
            raise InputError(f"{path}: compressed archive; decompress it first (e.g. gunzip) and pass the .tar")
        try:
            self._tar = tarfile.open(path, mode="r:")
            members = self._tar.getmembers()
        except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
            raise InputError(f"{path}: not a readable tar archive ({exc})") from None
        self._members: dict[str, tarfile.TarInfo] = {}
        for member in members:
            name = normalise_member(member.name)
            if name:
                self._members[name] = member

    def names(self) -> set[str]:
        return set(self._members)

    def has(self, name: str) -> bool:
        return self._member(name, required=False) is not None

    def _member(self, name: str, required: bool = True) -> tarfile.TarInfo | None:
        clean = normalise_member(name)
        if clean is None:
            raise InputError(f"{self.what}: path {name!r} escapes the archive")
        for _ in range(40):
            member = self._members.get(clean)
            if member is None:
                break
            if member.issym():
                target = posixpath.join(posixpath.dirname(clean), member.linkname)
                clean = normalise_member(target) or ""
                if not clean:
                    raise InputError(f"{self.what}: symlink {name!r} points outside the archive")
                continue
            if member.islnk():
                clean = normalise_member(member.linkname) or ""
                continue
            if not member.isfile():
                raise InputError(f"{self.what}: {name!r} is not a regular file")
            return member
        else:
            raise InputError(f"{self.what}: symlink loop at {name!r}")
        if required:
            raise InputError(f"{self.what}: missing {name!r}")
        return None

    def size(self, name: str) -> int:
        member = self._member(name)
        assert member is not None
        return member.size

    def read(self, name: str, limit: int) -> bytes:
        member = self._member(name)
        assert member is not None
        if member.size > limit:
            raise InputError(f"{self.what}: {name!r} is {member.size} bytes, larger than the {limit}-byte bound")
        with self.open(name) as handle:
            data = handle.read(limit + 1)
        if len(data) != member.size:
            raise InputError(f"{self.what}: {name!r} is truncated")
        return data

    def open(self, name: str) -> BinaryIO:
        member = self._member(name)
        assert member is not None
        handle = self._tar.extractfile(member)
        if handle is None:
            raise InputError(f"{self.what}: cannot read {name!r}")
        return handle  # type: ignore[return-value]

    def close(self) -> None:
        self._tar.close()


class DirStore:
    """A directory (OCI image layout); refuses symlinks and special files."""

    def __init__(self, root: Path, what: str) -> None:
        self.root = root
        self.what = what

    def _path(self, name: str) -> Path:
        clean = normalise_member(name)
        if clean is None or not clean:
            raise InputError(f"{self.what}: path {name!r} escapes the layout directory")
        path = self.root
        for part in clean.split("/"):
            path = path / part
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                raise InputError(f"{self.what}: missing {clean!r}") from None
            if stat.S_ISLNK(st.st_mode):
                raise InputError(f"{self.what}: {clean!r} is a symlink; refusing to follow it")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{self.what}: {clean!r} is not a regular file")
        return path

    def has(self, name: str) -> bool:
        try:
            self._path(name)
            return True
        except InputError:
            return False

    def size(self, name: str) -> int:
        return self._path(name).stat().st_size

    def read(self, name: str, limit: int) -> bytes:
        with self.open(name) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"{self.what}: {name!r} is larger than the {limit}-byte bound")
        return data

    def open(self, name: str) -> BinaryIO:
        path = self._path(name)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise InputError(f"{self.what}: cannot open {name!r} ({exc.strerror})") from None
        return os.fdopen(fd, "rb")

    def close(self) -> None:
        return None


BlobStore = TarStore | DirStore
