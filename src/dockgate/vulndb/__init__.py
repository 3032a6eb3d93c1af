"""The vulnerability database: OSV records ingested into SQLite, updated atomically.

Public API: :func:`update_database` (``db update``), :class:`VulnDatabase` (read-only
lookups and ``status``), :func:`resolve_db_path`/:func:`default_db_path`, and
:func:`gate_database_info` for the policy gate.
"""

from __future__ import annotations

import datetime

from dockgate.vulndb.paths import default_db_path, resolve_db_path
from dockgate.vulndb.store import Advisory, DatabaseStatus, VulnDatabase

_LAZY = {"DEFAULT_MIRROR", "UpdateOptions", "UpdateResult", "update_database"}  # keep httpx out of scan's imports

STALE_AFTER = datetime.timedelta(days=7)

__all__ = [
    "DEFAULT_MIRROR",
    "STALE_AFTER",
    "Advisory",
    "DatabaseStatus",
    "UpdateOptions",
    "UpdateResult",
    "VulnDatabase",
    "default_db_path",
    "gate_database_info",
    "resolve_db_path",
    "update_database",
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from dockgate.vulndb import update

        return getattr(update, name)
    raise AttributeError(f"module 'dockgate.vulndb' has no attribute {name!r}")


def gate_database_info() -> tuple[str, datetime.datetime]:
    """(version string, build time UTC) of the default database, for the policy gate."""
    with VulnDatabase(default_db_path()) as database:
        status = database.status()
    sources = ",".join(f"{s.source}:{s.records}" for s in status.sources)
    return f"osv {status.built} ({sources})", status.built_at
