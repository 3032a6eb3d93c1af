"""Building a database file from OSV record sources (``db update``); scans only read it (store).

One transaction into a fresh file: ``advisories`` (with the severity already scored from its
CVSS vectors), per source the advisories naming each ecosystem, and the match index
(:mod:`dockgate.vulndb.matchindex`) compiled per source from every affected entry. Sources this
update did not fetch are carried over from the previous database row for row.
"""

from __future__ import annotations

import gc
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import orjson

from dockgate.errors import InputError
from dockgate.versions import Comparator, UnknownEcosystem
from dockgate.vulndb.matchindex import RowBuilder, range_comparators
from dockgate.vulndb.osv import parse_record
from dockgate.vulndb.severity import assess
from dockgate.vulndb.store import INDEXES, SCHEMA, SCHEMA_VERSION, uri, utc_now

if TYPE_CHECKING:
    from dockgate.vulndb.sources import RecordSource

@dataclass(frozen=True)
class BuildOutcome:
    records: dict[str, int]  # per source built
    dropped: tuple[str, ...] = ()  # sources of an older-layout previous database, not carried over


def build_database(target: Path, sources: Sequence[RecordSource], keep_from: Path | None = None) -> BuildOutcome:
    """Write a complete new database to ``target`` (which must not exist) from ``sources``.

    Records of sources not being rebuilt are copied from ``keep_from`` (the previous database),
    when it is readable and of this layout; an older layout's other sources are named in
    ``dropped`` (they must be fetched again).
    """
    connection = sqlite3.connect(uri(target, "rwc"), uri=True, isolation_level=None)
    counts: dict[str, int] = {}
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of live lists and no cycles: collections would only rescan them
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-131072")  # up to 128 MiB: pages written once, at the end
        connection.execute("PRAGMA temp_store=MEMORY")
        connection.executescript(SCHEMA)
        attached, old_sources = _attach_previous(connection, keep_from) if keep_from is not None else (False, [])
        connection.execute("BEGIN")
        now = utc_now()
        for source in sources:
            counts[source.label], per_ecosystem = _ingest(connection, source)
            connection.execute(
                "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?)",
                (source.label, source.origin, counts[source.label], now, orjson.dumps(per_ecosystem).decode()),
            )
        if attached:
            _copy_other_sources(connection, set(counts))
        for statement in INDEXES:
            connection.execute(statement)
        connection.executemany("INSERT INTO meta VALUES (?,?)", [("schema_version", SCHEMA_VERSION), ("built", now)])
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        raise InputError(f"cannot build the vulnerability database in {target.parent}: {exc}") from None
    finally:
        connection.close()
        if collecting:
            gc.enable()
    return BuildOutcome(counts, () if attached else tuple(sorted(set(old_sources) - set(counts))))


@lru_cache(maxsize=65536)
def _scored(vectors: bytes | None, severity_text: str | None) -> tuple[int, float | None, str | None]:
    """(severity level, CVSS score, vector) once per distinct input: records share vectors."""
    assessment = assess(orjson.loads(vectors) if vectors else [], severity_text)
    return int(assessment.severity), assessment.score, assessment.vector


class MatchIndexBuilder:
    """Collects one source's affected entries per (ecosystem, name); compiles one row each."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._entries: dict[tuple[str, str], list[tuple[str, list[Any], list[str] | None, list[Any] | None]]] = {}
        self._comparators: dict[str, dict[str, Comparator] | None] = {}

    def add(self, ecosystem: str, name: str, advisory_id: str, ranges: list[Any], versions: list[str] | None, assessment: list[Any] | None) -> None:
        if ecosystem not in self._comparators:
            self._comparators[ecosystem] = _comparators(ecosystem)
        if self._comparators[ecosystem] is not None:  # no package of ours is ever looked up in other ecosystems
            self._entries.setdefault((ecosystem, name), []).append((advisory_id, ranges, versions, assessment))

    def rows(self) -> Iterator[tuple[str, str, str, bytes]]:
        for (ecosystem, name), entries in self._entries.items():
            builder = RowBuilder(ecosystem, self._comparators[ecosystem])
            for advisory_id, ranges, versions, assessment in sorted(entries, key=lambda entry: entry[0]):
                builder.add(advisory_id, ranges, versions, assessment)
            yield ecosystem, name, self.source, orjson.dumps(builder.row())


def _ingest(connection: sqlite3.Connection, source: RecordSource) -> tuple[int, dict[str, int]]:
    """Records stored, and advisories per affected ecosystem (as written), for one source."""
    from dockgate.vulndb.sources import iter_records  # zipfile only when building

    advisories: list[tuple] = []
    naming: dict[str, set[str]] = {}
    seen: set[str] = set()
    label = source.label
    index = MatchIndexBuilder(label)
    for origin, raw in iter_records(source):
        row = parse_record(raw, origin)
        if row is None or row.id in seen:
            continue
        seen.add(row.id)
        level, score, vector = _scored(row.severity, row.severity_text)
        advisories.append(
            (row.id, label, "\x1f".join(row.aliases), row.summary, row.severity, row.severity_text, level, score, vector, row.references, row.published, row.modified)
        )
        for entry in row.affected:
            naming.setdefault(entry.ecosystem, set()).add(row.id)
            own = list(_scored(entry.severity, row.severity_text)) if entry.severity else None
            index.add(entry.ecosystem, entry.name, row.id, entry.ranges, entry.versions, own)
    connection.execute("DELETE FROM advisories WHERE source = ?", (label,))
    connection.executemany("INSERT OR REPLACE INTO advisories VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", advisories)
    connection.executemany("INSERT INTO matchindex VALUES (?,?,?,?)", index.rows())
    return len(advisories), {ecosystem: len(ids) for ecosystem, ids in sorted(naming.items())}


def _attach_previous(connection: sqlite3.Connection, previous: Path) -> tuple[bool, list[str]]:
    """(attached, the previous database's sources); an older layout is not attached."""
    if not previous.is_file():
        return False, []
    try:
        connection.execute("ATTACH DATABASE ? AS old", (uri(previous, "ro"),))
        sources = [row[0] for row in connection.execute("SELECT source FROM old.sources")]
        row = connection.execute("SELECT value FROM old.meta WHERE key = 'schema_version'").fetchone()
        if row is None or row[0] != SCHEMA_VERSION:
            connection.execute("DETACH DATABASE old")
            return False, sources  # an older layout: its sources must be fetched again
        return True, sources
    except sqlite3.Error:
        return False, []  # an old database we cannot read contributes nothing


def _copy_other_sources(connection: sqlite3.Connection, rebuilt: set[str]) -> None:
    """Carry over the sources this update did not fetch from the previous database."""
    kept = [row[0] for row in connection.execute("SELECT source FROM old.sources")]
    for source in kept:
        if source in rebuilt:
            continue
        for table in ("advisories", "matchindex", "sources"):
            verb = "INSERT OR IGNORE" if table == "advisories" else "INSERT OR REPLACE" if table == "sources" else "INSERT"
            connection.execute(f"{verb} INTO {table} SELECT * FROM old.{table} WHERE source = ?", (source,))


def _comparators(ecosystem: str) -> dict[str, Comparator] | None:
    """The orderings of an ecosystem's ranges, or None when dockgate has none for it."""
    try:
        return range_comparators(ecosystem)
    except UnknownEcosystem:
        return None
