"""Write a command's result where the user asked: stdout or one file, nothing else.

Regular files are written through a temporary file in the same directory and renamed, so
an interrupted run never leaves a half-written report behind. A target that exists and is
not a regular file (/dev/null, a FIFO, /dev/stdout) is written in place, never replaced.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dockgate.errors import UsageError
from dockgate.fsutil import atomic_write


def write_output(data: str | bytes, output: str | None) -> None:
    """Write ``data`` to ``output`` (a path) or to stdout when ``output`` is None or '-'."""
    raw = data.encode() if isinstance(data, str) else data
    if output in (None, "-"):
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    if target.exists() and not target.is_file() and not target.is_dir():
        try:
            with open(target, "wb") as handle:
                handle.write(raw)
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
        return
    if target.is_dir():
        raise UsageError(f"cannot write {output}: is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"cannot write {output}: directory {parent} does not exist")
    try:
        atomic_write(target, raw)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
