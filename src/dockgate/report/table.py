"""Rendering rich tables to text: colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import io
import os
import sys

from rich.console import Console
from rich.table import Table


def use_colour(output: str | None) -> bool:
    return output in (None, "-") and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def render_tables(tables: list[Table | str], output: str | None) -> str:
    buffer = io.StringIO()
    colour = use_colour(output)
    width = None if colour else 1000  # files and pipes: never fold a cell (paths stay greppable)
    console = Console(file=buffer, force_terminal=colour, no_color=not colour, width=width, highlight=False, soft_wrap=False)
    for table in tables:
        console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
