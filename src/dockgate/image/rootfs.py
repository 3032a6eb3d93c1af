"""A plain root filesystem directory, read as the single layer 0 of an image.

Symlinks are recorded, never followed on the host; files are opened with O_NOFOLLOW.
"""

from __future__ import annotations

import os
import stat
from typing import Sequence

from dockgate.errors import InputError, LimitExceeded
from dockgate.image.fsindex import FsIndex
from dockgate.image.limits import Limits
from dockgate.image.visitor import DIRECTORY, OTHER, REGULAR, SYMLINK, FileEntry, LayerVisitor
from dockgate.image.walk import WalkResult


def walk_rootfs(root: str, visitors: Sequence[LayerVisitor], limits: Limits) -> WalkResult:
    if not os.path.isdir(root):
        raise InputError(f"{root}: not a directory")
    result = WalkResult(index=FsIndex())
    count = 0
    stack = [("", root)]
    while stack:
        rel_dir, host_dir = stack.pop()
        try:
            scanner = os.scandir(host_dir)
        except OSError as exc:
            result.warnings.append(f"{root}: cannot list /{rel_dir} ({exc.strerror})")
            continue
        with scanner:
            for item in sorted(scanner, key=lambda e: e.name):
                count += 1
                if count > limits.max_entries_per_layer:
                    raise LimitExceeded(f"{root}: more than {limits.max_entries_per_layer} entries")
                path = f"/{rel_dir}/{item.name}" if rel_dir else f"/{item.name}"
                try:
                    st = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                mode = st.st_mode
                target = None
                if stat.S_ISDIR(mode):
                    kind = DIRECTORY
                    stack.append((path.lstrip("/"), item.path))
                elif stat.S_ISREG(mode):
                    kind = REGULAR
                elif stat.S_ISLNK(mode):
                    kind = SYMLINK
                    try:
                        target = os.readlink(item.path)
                    except OSError:
                        target = ""
                else:
                    kind = OTHER
                entry = FileEntry(path, kind, st.st_size if kind == REGULAR else 0, stat.S_IMODE(mode), st.st_uid, st.st_gid, 0, target)
                for visitor in visitors:
                    visitor.on_entry(entry)
                if kind != REGULAR:
                    result.index.add(entry)
                    continue
                wanting = [v for v in visitors if v.wants(entry)]
                if not wanting:
                    continue
                result.index.add(entry)
                if entry.size > limits.max_file_size:
                    result.warnings.append(f"{root}: skipped {path}: {entry.size} bytes is over the --max-file-size bound")
                    continue
                data = _read_nofollow(item.path, limits.max_file_size)
                if data is None:
                    result.warnings.append(f"{root}: cannot read {path}")
                    continue
                for visitor in wanting:
                    visitor.on_file(entry, data)
    result.entries_per_layer.append(count)
    return result


def _read_nofollow(path: str, limit: int) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        return handle.read(limit + 1)[:limit]
