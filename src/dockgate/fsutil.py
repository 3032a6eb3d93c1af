"""Writing files safely: through a temporary sibling and an atomic rename.

An interrupted run never leaves a half-written file behind, and the temporary file is created
exclusively without following symlinks. ``mode`` is filtered by the umask, as for open().
"""

from __future__ import annotations

import os
from pathlib import Path


def atomic_write(target: Path, data: bytes, mode: int = 0o666) -> None:
    """Replace ``target`` with ``data``; raises OSError (nothing left behind) on failure."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
