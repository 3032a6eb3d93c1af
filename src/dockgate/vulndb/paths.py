"""Where the vulnerability database lives: --db PATH, else $DOCKGATE_DB, else the XDG cache dir."""

from __future__ import annotations

import os
from pathlib import Path

DB_FILENAME = "vulndb.sqlite"
DB_ENV = "DOCKGATE_DB"


def default_db_path() -> Path:
    """$DOCKGATE_DB, else $XDG_CACHE_HOME/dockgate/vulndb.sqlite (XDG default ~/.cache)."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "dockgate" / DB_FILENAME


def resolve_db_path(option: str | None) -> Path:
    """The path the user chose with --db, or the default."""
    return Path(option) if option else default_db_path()
