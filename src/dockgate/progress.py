"""Progress reporting on stderr: a rich progress bar on a TTY, silence elsewhere.

``NO_COLOR`` is honoured; nothing is ever printed to stdout, which carries reports.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Iterator, Protocol


class Progress(Protocol):
    def advance(self, amount: int) -> None: ...

    def describe(self, text: str) -> None: ...


class _Silent:
    def advance(self, amount: int) -> None:
        return None

    def describe(self, text: str) -> None:
        return None


class _RichBar:
    def __init__(self, bar, task) -> None:  # type: ignore[no-untyped-def]
        self._bar = bar
        self._task = task

    def advance(self, amount: int) -> None:
        self._bar.advance(self._task, amount)

    def describe(self, text: str) -> None:
        self._bar.update(self._task, description=text)


def progress_enabled() -> bool:
    if os.environ.get("DOCKGATE_NO_PROGRESS"):
        return False
    return sys.stderr.isatty()


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Progress]:
    """Show a progress bar for ``total`` units (bytes, records...) while the block runs."""
    if not progress_enabled():
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress as RichProgress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))
    columns = [TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn()]
    with RichProgress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield _RichBar(bar, task)
