"""The SQLite store: built once per update into a new file, then only read.

Tables: ``advisories`` (one row per record), ``affected`` (one row per affected package,
indexed by (ecosystem, name) so matching is an index lookup), ``sources`` (per ecosystem:
where from, how many records, when) and ``meta``. Ranges and versions are stored as small
JSON arrays per affected row, so a scan never parses whole records.
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from dockgate.errors import InputError
from dockgate.vulndb.osv import parse_record

if TYPE_CHECKING:
    from dockgate.vulndb.sources import RecordSource

SCHEMA_VERSION = "1"
LOOKUP_CHUNK = 500

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources(source TEXT PRIMARY KEY, origin TEXT NOT NULL, records INTEGER NOT NULL, updated TEXT NOT NULL);
CREATE TABLE advisories(
    id TEXT PRIMARY KEY, source TEXT NOT NULL, aliases TEXT NOT NULL, summary TEXT NOT NULL,
    severity BLOB, severity_text TEXT, refs BLOB NOT NULL, published TEXT NOT NULL, modified TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE affected(
    ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory_id TEXT NOT NULL, source TEXT NOT NULL,
    ranges BLOB NOT NULL, versions BLOB, severity BLOB
);
"""
INDEXES = "CREATE INDEX affected_lookup ON affected(ecosystem, name);"


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def _uri(path: Path, mode: str) -> str:
    return f"{path.resolve().as_uri()}?mode={mode}"


def _database_error(path: Path, exc: sqlite3.Error) -> InputError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return InputError(f"vulnerability database {path} is locked by another process; try again when it finishes")
    return InputError(f"vulnerability database {path} is unreadable or corrupt ({text}); run `dockgate db update`")


def build_database(target: Path, sources: Sequence[RecordSource], keep_from: Path | None = None) -> dict[str, int]:
    """Write a complete new database to ``target`` (which must not exist) from ``sources``.

    Records of sources not being rebuilt are copied from ``keep_from`` (the previous database),
    when it is readable. Returns records per source. One transaction, executemany batches.
    """
    connection = sqlite3.connect(_uri(target, "rwc"), uri=True, isolation_level=None)
    counts: dict[str, int] = {}
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.executescript(SCHEMA)
        attached = keep_from is not None and _attach_previous(connection, keep_from)
        connection.execute("BEGIN")
        now = utc_now()
        for source in sources:
            counts[source.label] = _ingest(connection, source)
            connection.execute(
                "INSERT OR REPLACE INTO sources VALUES (?,?,?,?)", (source.label, source.origin, counts[source.label], now)
            )
        if attached:
            _copy_other_sources(connection, set(counts))
        connection.execute(INDEXES)
        connection.executemany(
            "INSERT INTO meta VALUES (?,?)", [("schema_version", SCHEMA_VERSION), ("built", now)]
        )
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        raise InputError(f"cannot build the vulnerability database in {target.parent}: {exc}") from None
    finally:
        connection.close()
    return counts


def _ingest(connection: sqlite3.Connection, source: RecordSource) -> int:
    from dockgate.vulndb.sources import iter_records  # zipfile only when building
    advisories: list[tuple] = []
    affected: list[tuple] = []
    seen: set[str] = set()
    label = source.label
    for origin, raw in iter_records(source):
        row = parse_record(raw, origin)
        if row is None or row.id in seen:
            continue
        seen.add(row.id)
        advisories.append(
            (row.id, label, "\x1f".join(row.aliases), row.summary, row.severity, row.severity_text, row.references, row.published, row.modified)
        )
        for entry in row.affected:
            affected.append((entry.ecosystem, entry.name, row.id, label, entry.ranges, entry.versions, entry.severity))
        if len(affected) > 20000:
            connection.executemany("INSERT INTO affected VALUES (?,?,?,?,?,?,?)", affected)
            affected.clear()
    connection.execute("DELETE FROM advisories WHERE source = ?", (label,))
    connection.executemany("INSERT OR REPLACE INTO advisories VALUES (?,?,?,?,?,?,?,?,?)", advisories)
    connection.executemany("INSERT INTO affected VALUES (?,?,?,?,?,?,?)", affected)
    return len(advisories)


def _attach_previous(connection: sqlite3.Connection, previous: Path) -> bool:
    if not previous.is_file():
        return False
    try:
        connection.execute("ATTACH DATABASE ? AS old", (_uri(previous, "ro"),))
        connection.execute("SELECT count(*) FROM old.sources").fetchone()
        return True
    except sqlite3.Error:
        return False  # an old database we cannot read contributes nothing


def _copy_other_sources(connection: sqlite3.Connection, rebuilt: set[str]) -> None:
    """Carry over the sources this update did not fetch from the previous database."""
    kept = [row[0] for row in connection.execute("SELECT source FROM old.sources")]
    for source in kept:
        if source in rebuilt:
            continue
        connection.execute("INSERT OR IGNORE INTO advisories SELECT * FROM old.advisories WHERE source = ?", (source,))
        connection.execute("INSERT INTO affected SELECT * FROM old.affected WHERE source = ?", (source,))
        connection.execute("INSERT OR REPLACE INTO sources SELECT * FROM old.sources WHERE source = ?", (source,))


@dataclass(frozen=True)
class AffectedEntry:
    advisory_id: str
    ecosystem: str
    name: str
    ranges: bytes
    versions: bytes | None
    severity: bytes | None


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: bytes | None
    severity_text: str | None
    references: bytes
    published: str
    modified: str


@dataclass(frozen=True)
class SourceStatus:
    source: str
    origin: str
    records: int
    updated: str


@dataclass(frozen=True)
class DatabaseStatus:
    path: Path
    built: str
    sources: tuple[SourceStatus, ...]

    @property
    def built_at(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.built)


class VulnDatabase:
    """A read-only handle on a built database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise InputError(f"no vulnerability database at {path}: run `dockgate db update` (or pass --db PATH)")
        try:
            self._connection = sqlite3.connect(_uri(path, "ro"), uri=True, timeout=0.5, check_same_thread=False)
            row = self._connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.Error as exc:
            raise _database_error(path, exc) from None
        if row is None or row[0] != SCHEMA_VERSION:
            raise InputError(f"vulnerability database {path} has an unsupported layout; run `dockgate db update`")

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> "VulnDatabase":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        try:
            return self._connection.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise _database_error(self.path, exc) from None

    def status(self) -> DatabaseStatus:
        built = self._query("SELECT value FROM meta WHERE key = 'built'")
        sources = tuple(SourceStatus(*row) for row in self._query("SELECT source, origin, records, updated FROM sources ORDER BY source"))
        return DatabaseStatus(self.path, built[0][0] if built else "", sources)

    def ecosystems(self) -> set[str]:
        """Every affected[].package.ecosystem present (e.g. "Debian:12", "PyPI")."""
        return {row[0] for row in self._query("SELECT DISTINCT ecosystem FROM affected")}

    def ecosystem_counts(self) -> dict[str, int]:
        """Advisories per affected ecosystem as written in the records ("Debian:12", "PyPI"...)."""
        rows = self._query("SELECT ecosystem, count(DISTINCT advisory_id) FROM affected GROUP BY ecosystem ORDER BY ecosystem")
        return {name: count for name, count in rows}

    def affected_for(self, ecosystem: str, names: Iterable[str]) -> Iterator[AffectedEntry]:
        """Every affected row for ``names`` in ``ecosystem``: index lookups, in chunks."""
        unique = sorted(set(names))
        for start in range(0, len(unique), LOOKUP_CHUNK):
            chunk = unique[start : start + LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT advisory_id, ecosystem, name, ranges, versions, severity FROM affected WHERE ecosystem = ? AND name IN ({marks})"
            for row in self._query(sql, [ecosystem, *chunk]):
                yield AffectedEntry(*row)

    def advisories(self, ids: Iterable[str]) -> dict[str, Advisory]:
        unique = sorted(set(ids))
        found: dict[str, Advisory] = {}
        for start in range(0, len(unique), LOOKUP_CHUNK):
            chunk = unique[start : start + LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, aliases, summary, severity, severity_text, refs, published, modified FROM advisories WHERE id IN ({marks})"
            for row in self._query(sql, chunk):
                aliases = tuple(a for a in row[1].split("\x1f") if a)
                found[row[0]] = Advisory(row[0], aliases, row[2], row[3], row[4], row[5], row[6], row[7])
        return found
