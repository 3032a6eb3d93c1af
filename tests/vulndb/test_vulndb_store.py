"""Store internals: lookups use the (ecosystem, name) index; the gate's database info."""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

import pytest
from vulndb.osv_fixtures import affected, build_db_from_records, osv, rng

from dockgate.errors import InputError
from dockgate.vulndb import gate_database_info
from dockgate.vulndb.osv import parse_record


def test_lookup_query_uses_the_index(tmp_path: Path) -> None:
    db = build_db_from_records(tmp_path, [osv("A-1", [affected("PyPI", "x", rng(("introduced", "0")))])])
    with sqlite3.connect(db) as connection:
        plan = connection.execute("EXPLAIN QUERY PLAN SELECT entries FROM matchindex WHERE ecosystem = ? AND name IN (?, ?)", ("PyPI", "x", "y")).fetchall()
    assert any("USING INDEX matchindex_lookup" in str(row) for row in plan), plan


def test_gate_database_info(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = build_db_from_records(tmp_path, [osv("A-1", [affected("PyPI", "x", rng(("introduced", "0")))])])
    monkeypatch.setenv("DOCKGATE_DB", str(db))
    version, built = gate_database_info()
    assert version == f"osv {built.isoformat()} (records:1)"
    assert abs(datetime.datetime.now(datetime.timezone.utc) - built) < datetime.timedelta(minutes=5)


@pytest.mark.parametrize(
    "record",
    [
        b"[]",
        b'{"modified": "x"}',
        b'{"id": "A", "modified": "x", "affected": [{"package": {"ecosystem": "PyPI", "name": "p"}, "ranges": [{"type": "WEIRD", "events": [{"introduced": "0"}]}]}]}',
        b'{"id": "A", "modified": "x", "affected": [{"package": {"ecosystem": "PyPI", "name": "p"}, "ranges": [{"type": "SEMVER", "events": []}]}]}',
        b'{"id": "A", "modified": "x", "affected": [{"package": {"ecosystem": "PyPI", "name": "p"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1"}]}]}]}',
        b'{"id": "A", "modified": "x", "aliases": "CVE-1"}',
        b'{"id": "A", "modified": "x", "severity": [{"type": "CVSS_V3"}]}',
    ],
)
def test_invalid_records(record: bytes) -> None:
    with pytest.raises(InputError, match="not a valid OSV record"):
        parse_record(record, "t.json")


def test_git_ranges_dropped_and_names_normalised() -> None:
    row = parse_record(
        {"id": "A", "modified": "x", "affected": [{"package": {"ecosystem": "PyPI", "name": "Foo.Bar_baz"}, "ranges": [{"type": "GIT", "repo": "r", "events": [{"introduced": "0"}]}, {"type": "ECOSYSTEM", "events": [{"introduced": "1"}]}]}]},
        "t",
    )
    assert row is not None and row.affected[0].name == "foo-bar-baz" and row.affected[0].ranges == [["ECOSYSTEM", [("i", "1")]]]
