"""The SQLite store: built once per update into a new file (:mod:`dockgate.vulndb.build`), then only read.

Tables: ``advisories`` (one row per record, severity already scored), ``matchindex`` (per
source, one row per (ecosystem, name) with every affected entry compiled for matching, see
:mod:`dockgate.vulndb.matchindex`), ``sources`` (per source: where from, how many records, when,
and how many advisories name each affected ecosystem) and ``meta``. A scan reads the match-index rows of its package names and the advisories
they hit, never whole records.
"""

from __future__ import annotations

import datetime
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

import orjson

from dockgate.errors import InputError
from dockgate.severity import LEVELS, Severity

SCHEMA_VERSION = "3"
LOOKUP_CHUNK = 500

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources(
    source TEXT PRIMARY KEY, origin TEXT NOT NULL, records INTEGER NOT NULL, updated TEXT NOT NULL,
    ecosystems TEXT NOT NULL  -- JSON {affected ecosystem as written: advisories naming it}
);
CREATE TABLE advisories(
    id TEXT PRIMARY KEY, source TEXT NOT NULL, aliases TEXT NOT NULL, summary TEXT NOT NULL,
    severity BLOB, severity_text TEXT, level INTEGER NOT NULL, score REAL, vector TEXT,
    refs BLOB NOT NULL, published TEXT NOT NULL, modified TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE matchindex(ecosystem TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL, entries BLOB NOT NULL);
"""
# Built after the rows are in. The match index is a rowid table with a separate index: its rows
# are large, which WITHOUT ROWID tables handle badly (lookups measured 2.5x slower).
INDEXES = ("CREATE UNIQUE INDEX matchindex_lookup ON matchindex(ecosystem, name, source)",)


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def uri(path: Path, mode: str) -> str:
    return f"{path.resolve().as_uri()}?mode={mode}"


def _database_error(path: Path, exc: sqlite3.Error) -> InputError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return InputError(f"vulnerability database {path} is locked by another process; try again when it finishes")
    return InputError(f"vulnerability database {path} is unreadable or corrupt ({text}); run `dockgate db update`")


class Advisory(NamedTuple):
    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: Severity  # scored when the database was built (CVSS vectors, else the record's text)
    score: float | None
    vector: str | None
    references: bytes  # JSON list of URLs
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
            self._connection = sqlite3.connect(uri(path, "ro"), uri=True, timeout=0.5, check_same_thread=False)
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
        return set(self.ecosystem_counts())

    def ecosystem_counts(self) -> dict[str, int]:
        """Advisories per affected ecosystem as written in the records ("Debian:12", "PyPI"...)."""
        counts: dict[str, int] = {}
        for source, listed in self._query("SELECT source, ecosystems FROM sources"):
            try:
                for ecosystem, count in orjson.loads(listed).items():
                    counts[ecosystem] = counts.get(ecosystem, 0) + int(count)
            except (orjson.JSONDecodeError, AttributeError, TypeError, ValueError):
                raise self.corrupt(f"source {str(source)[:80]!r}") from None
        return dict(sorted(counts.items()))

    def corrupt(self, what: str) -> InputError:
        """The error for content ``db update`` never writes: the file was damaged or forged."""
        return InputError(f"vulnerability database {self.path} is corrupt ({what}); run `dockgate db update`")

    def _in_chunks(self, sql: str, fixed: Sequence[object], values: Iterable[str]) -> Iterator[tuple]:
        """Rows of ``sql`` (whose ``{marks}`` is an IN list) for every distinct value, in chunks."""
        unique = sorted(set(values))
        for start in range(0, len(unique), LOOKUP_CHUNK):
            chunk = unique[start : start + LOOKUP_CHUNK]
            yield from self._query(sql.format(marks=",".join("?" * len(chunk))), [*fixed, *chunk])

    def advisories(self, ids: Iterable[str]) -> dict[str, Advisory]:
        found: dict[str, Advisory] = {}
        sql = "SELECT id, aliases, summary, level, score, vector, refs, published, modified FROM advisories WHERE id IN ({marks})"
        for row in self._in_chunks(sql, (), ids):
            try:
                aliases = tuple(a for a in row[1].split("\x1f") if a)
                found[row[0]] = Advisory(row[0], aliases, row[2], LEVELS[row[3]], row[4], row[5], row[6], row[7], row[8])
            except (IndexError, TypeError, AttributeError):
                raise self.corrupt(f"advisory {str(row[0])[:80]!r}") from None
        return found

    def match_rows(self, ecosystem: str, names: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """(name, compiled entries) of the match index for ``names`` in ``ecosystem``: one row per
        name and source holding advisories for it."""
        return self._in_chunks("SELECT name, entries FROM matchindex WHERE ecosystem = ? AND name IN ({marks})", (ecosystem,), names)
