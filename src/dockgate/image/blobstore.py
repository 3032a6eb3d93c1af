"""Named-file access inside an image container: a tar archive or a directory.

Both stores answer ``read(name, limit)`` and ``open(name)`` for names relative to the
archive or directory root, and never let a name reach outside it: names are normalised,
symlinks inside a tar archive are resolved within the archive only, and in a directory
no symlink is followed at all. :meth:`DirStore.writable_path` applies the same checks to a
name about to be written, and :func:`read_regular_file` is the bounded read of one file.
"""

from __future__ import annotations

import os
import posixpath
import stat
import tarfile
from pathlib import Path
from typing import BinaryIO

from dockgate.errors import InputError, LimitExceeded


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


def read_regular_file(path: Path, limit: int, what: str, *, follow_symlinks: bool = False) -> bytes | None:
    """The bytes of the regular file at ``path``, or None when there is no such file.

    At most ``limit`` bytes are read (LimitExceeded beyond); ``what`` names the file in errors.
    Symlinks are refused unless ``follow_symlinks``; FIFOs, devices and directories always are.
    """
    try:
        info = os.stat(path, follow_symlinks=follow_symlinks)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{what}: cannot read ({exc.strerror})") from None
    if stat.S_ISLNK(info.st_mode):
        raise InputError(f"{what} is a symlink; refusing to follow it")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{what} is not a regular file")
    if info.st_size > limit:
        raise LimitExceeded(f"{what} is {info.st_size} bytes, larger than the {limit}-byte bound")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow_symlinks else getattr(os, "O_NOFOLLOW", 0))
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{what}: cannot read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced since the stat above
            raise InputError(f"{what} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise LimitExceeded(f"{what} is larger than the {limit}-byte bound")
    return data


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

    def _walk(self, name: str, *, existing: bool) -> tuple[Path, os.stat_result | None]:
        """``name`` under the root and its lstat (None when absent and not ``existing``).

        The name must stay inside the root, and no component of it may be a symlink.
        """
        clean = normalise_member(name)
        if not clean:
            raise InputError(f"{self.what}: path {name!r} escapes the layout directory")
        parts = clean.split("/")
        path, st = self.root, None
        for count, part in enumerate(parts, 1):
            path = path / part
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                if existing:
                    raise InputError(f"{self.what}: missing {clean!r}") from None
                return self.root / clean, None
            except OSError as exc:
                raise InputError(f"{self.what}: cannot access {clean!r} ({exc.strerror})") from None
            if stat.S_ISLNK(st.st_mode):
                raise InputError(f"{self.what}: {'/'.join(parts[:count])!r} is a symlink; refusing to follow it")
        return path, st

    def _path(self, name: str) -> Path:
        path, st = self._walk(name, existing=True)
        if st is None or not stat.S_ISREG(st.st_mode):
            raise InputError(f"{self.what}: {normalise_member(name)!r} is not a regular file")
        return path

    def writable_path(self, name: str) -> Path:
        """Where ``name`` is to be written: inside the root, through no symlink, not itself one."""
        path, st = self._walk(name, existing=False)
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise InputError(f"{self.what}: {normalise_member(name)!r} is not a regular file")
        return path

    def has(self, name: str) -> bool:
        """Whether ``name`` exists at all; reading it may still be refused (symlink, special file)."""
        clean = normalise_member(name)
        return bool(clean) and os.path.lexists(self.root / str(clean))

    def size(self, name: str) -> int:
        return self._path(name).stat().st_size

    def read(self, name: str, limit: int) -> bytes:
        path, _ = self._walk(name, existing=True)
        label = f"{self.what}: {normalise_member(name)!r}"
        data = read_regular_file(path, limit, label)
        if data is None:  # removed since the walk
            raise InputError(f"{label} is missing")
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
