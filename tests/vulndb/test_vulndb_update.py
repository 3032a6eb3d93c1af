"""`dockgate db update` / `db status` over a real HTTP mirror and local paths, and every way an
update can fail: the previous database must stay byte-for-byte intact and usable."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import orjson
import pytest
from vulndb.osv_fixtures import affected, build_db_from_records, osv, rng, serve_directory, write_records

from dockgate.cli import main
from dockgate.vulndb import VulnDatabase

pytestmark = pytest.mark.shared


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _small_db(tmp_path: Path) -> Path:
    return build_db_from_records(tmp_path, [osv("PYSEC-1", [affected("PyPI", "demo", rng(("introduced", "0"), ("fixed", "2.0")))])], "old")


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("dockgate: error: ") and "\n" not in err, err
    return err


def test_update_over_http_builds_every_ecosystem(osv_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "status", "--db", str(osv_db), "-f", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    counts = {s["ecosystem"]: s["records"] for s in status["sources"]}
    assert counts["Alpine"] == 2439 and counts["Debian"] == 8905
    assert 4200 < counts["Go"] <= 4291 and 2600 < counts["PyPI"] <= 2661  # withdrawn records skipped
    assert all(s["origin"].startswith("http://127.0.0.1:") for s in status["sources"])
    assert status["stale"] is False
    per = status["advisories_per_ecosystem"]
    assert 2500 < per["PyPI"] <= counts["PyPI"] and per["Go"] <= counts["Go"]
    assert per["Debian:11"] > 0 and per["Alpine:v3.11"] > 0 and "Debian:12" not in per  # data predates bookworm advisories


def test_records_keep_aliases_severity_references_and_fixed(osv_db: Path) -> None:
    with VulnDatabase(osv_db) as database:
        advisory = database.advisories(["PYSEC-2018-28"])["PYSEC-2018-28"]
        assert "CVE-2018-18074" in advisory.aliases
        assert orjson.loads(advisory.references)
        entries = [entry for _, raw in database.match_rows("PyPI", ["requests"]) for entry in orjson.loads(raw)["e"]]
    fixed = {entry[0]: [value for kind, *_, fixed_at in entry[2] for _, value in fixed_at] for entry in entries}
    assert "2.20.0" in fixed["PYSEC-2018-28"]


def test_withdrawn_records_are_skipped(osv_db: Path) -> None:
    with VulnDatabase(osv_db) as database:
        assert "PYSEC-2022-15" not in database.advisories(["PYSEC-2022-15"])


def test_status_text_and_env_variable(osv_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKGATE_DB", str(osv_db))
    assert main(["db", "status"]) == 0
    out = capsys.readouterr().out
    assert str(osv_db) in out and "Debian" in out and "8905 records" in out


def test_single_ecosystem_update_keeps_the_others(tmp_path: Path, shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _small_db(tmp_path)
    assert main(["db", "update", "--mirror", str(shared_dir / "osv-mirror"), "--ecosystem", "Alpine", "--db", str(db)]) == 0
    with VulnDatabase(db) as database:
        sources = {s.source: s.records for s in database.status().sources}
        assert sources == {"old": 1, "Alpine": 2439}
        assert list(database.match_rows("PyPI", ["demo"]))


def test_partial_update_over_an_older_layout_names_what_it_could_not_keep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _small_db(tmp_path)
    with sqlite3.connect(db) as connection:  # as a database written by an earlier dockgate
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    archive = tmp_path / "Alpine.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("A-1.json", orjson.dumps(osv("A-1", [affected("Alpine:v3.18", "musl", rng(("introduced", "0")))])))
    assert main(["db", "update", "--mirror", str(archive), "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert "old advisories were in the previous database" in err and "--ecosystem old" in err
    with VulnDatabase(db) as database:
        assert {s.source for s in database.status().sources} == {"Alpine"}


def test_single_zip_input(tmp_path: Path) -> None:
    archive = tmp_path / "PyPI.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("A-1.json", orjson.dumps(osv("A-1", [affected("PyPI", "Some_Pkg", rng(("introduced", "0")))])))
    db = tmp_path / "db.sqlite"
    assert main(["db", "update", "--mirror", str(archive), "--db", str(db)]) == 0
    with VulnDatabase(db) as database:
        assert [entry[0] for _, raw in database.match_rows("PyPI", ["some-pkg"]) for entry in orjson.loads(raw)["e"]] == ["A-1"]


def _mirror_with(tmp_path: Path, data: bytes) -> Path:
    root = tmp_path / "mirror"
    (root / "PyPI").mkdir(parents=True)
    (root / "PyPI" / "all.zip").write_bytes(data)
    (root / "ecosystems.txt").write_text("PyPI\n")
    return root


def _good_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(50):
            zf.writestr(f"R-{n}.json", orjson.dumps(osv(f"R-{n}", [affected("PyPI", f"p{n}", rng(("introduced", "0")))], details="x" * 400)))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"not a zip at all", id="garbage"),
        pytest.param(lambda data: data[:200] + bytes(b ^ 0xFF for b in data[200:260]) + data[260:], id="corrupt-member"),
    ],
)
def test_bad_zip_over_http_leaves_old_db(tmp_path: Path, damage, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    db = _small_db(tmp_path)
    before = _digest(db)
    server, url = serve_directory(_mirror_with(tmp_path, damage(_good_zip())))
    try:
        code = main(["db", "update", "--mirror", url, "--db", str(db), "--retries", "0"])
    finally:
        server.shutdown()
    assert code == 2
    assert "zip" in _one_line_error(capsys) or "corrupt" in capsys.readouterr().err
    assert _digest(db) == before
    assert not list(tmp_path.glob(".dockgate-update-*"))


def test_invalid_osv_record_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _small_db(tmp_path)
    before = _digest(db)
    bad = write_records(tmp_path / "bad", [osv("X-1", [{"package": {"ecosystem": "PyPI"}, "ranges": []}])])
    assert main(["db", "update", "--mirror", str(bad), "--db", str(db)]) == 2
    assert "not a valid OSV record" in _one_line_error(capsys)
    (bad / "X-1.json").write_text("{ not json")
    assert main(["db", "update", "--mirror", str(bad), "--db", str(db)]) == 2
    assert "invalid JSON" in _one_line_error(capsys)
    assert _digest(db) == before


def test_unknown_ecosystem(tmp_path: Path, osv_mirror_url: str, shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _small_db(tmp_path)
    before = _digest(db)
    assert main(["db", "update", "--mirror", osv_mirror_url, "--ecosystem", "Klingon", "--db", str(db)]) == 2
    assert "unknown ecosystem 'Klingon'" in _one_line_error(capsys)
    assert main(["db", "update", "--mirror", str(shared_dir / "osv-mirror"), "--ecosystem", "Klingon", "--db", str(db)]) == 2
    assert "unknown ecosystem" in _one_line_error(capsys)
    assert main(["db", "update", "--mirror", osv_mirror_url, "--ecosystem", "../etc", "--db", str(db)]) == 2
    _one_line_error(capsys)
    assert _digest(db) == before


def test_mirror_down_connection_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _small_db(tmp_path)
    before = _digest(db)
    server, url = serve_directory(tmp_path)
    server.shutdown()
    server.server_close()  # the port now refuses connections
    started = time.monotonic()
    assert main(["db", "update", "--mirror", url, "--db", str(db), "--retries", "1", "--timeout", "2"]) == 2
    assert time.monotonic() - started < 10
    assert "connection failed" in _one_line_error(capsys)
    assert _digest(db) == before


def test_slow_mirror_times_out(tmp_path: Path, slow_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = _small_db(tmp_path)
    before = _digest(db)
    started = time.monotonic()
    assert main(["db", "update", "--mirror", slow_server, "--ecosystem", "PyPI", "--db", str(db), "--timeout", "0.3", "--retries", "1"]) == 2
    assert time.monotonic() - started < 4
    assert "timed out" in _one_line_error(capsys)
    assert _digest(db) == before


def test_locked_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _small_db(tmp_path)
    before = _digest(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert main(["db", "update", "--mirror", str(tmp_path / "old"), "--db", str(db)]) == 2
        assert "locked" in _one_line_error(capsys)
        assert main(["db", "status", "--db", str(db)]) == 2
        assert "locked" in _one_line_error(capsys)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _digest(db) == before


def test_corrupt_database_is_reported_then_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.sqlite"
    db.write_bytes(b"this is not sqlite" * 100)
    assert main(["db", "status", "--db", str(db)]) == 2
    assert "corrupt" in _one_line_error(capsys)
    assert main(["db", "status", "--db", str(tmp_path / "missing.sqlite")]) == 2
    assert "db update" in _one_line_error(capsys)
    folder = write_records(tmp_path / "recs", [osv("A-1", [affected("npm", "@scope/pkg", rng(("introduced", "0")))])])
    assert main(["db", "update", "--mirror", str(folder), "--db", str(db)]) == 0
    assert main(["db", "status", "--db", str(db)]) == 0


@pytest.mark.slow
def test_killed_update_leaves_old_db_working(tmp_path: Path, slow_server: str) -> None:
    db = _small_db(tmp_path)
    before = _digest(db)
    process = subprocess.Popen(
        [sys.executable, "-m", "dockgate", "db", "update", "--mirror", slow_server, "--ecosystem", "PyPI", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert _digest(db) == before
    with VulnDatabase(db) as database:
        assert database.status().sources[0].records == 1
    # the next update cleans up what the killed one left behind
    assert main(["db", "update", "--mirror", str(tmp_path / "old"), "--db", str(db)]) == 0
    assert not list(tmp_path.glob(".dockgate-update-*"))


def test_concurrent_update_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import fcntl

    db = _small_db(tmp_path)
    before = _digest(db)
    handle = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        assert main(["db", "update", "--mirror", str(tmp_path / "old"), "--db", str(db)]) == 2
        assert "another `dockgate db update` is running" in _one_line_error(capsys)
    finally:
        os.close(handle)
    assert _digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old", "old.sqlite"]  # no lock or temp files left


def test_failed_update_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "new" / "db.sqlite"
    assert main(["db", "update", "--mirror", str(tmp_path / "missing"), "--db", str(target)]) == 2
    assert main(["db", "update", "--mirror", "ftp://example.org", "--db", str(target)]) == 2
    assert not (tmp_path / "new").exists()


def test_oversized_record_in_zip_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _small_db(tmp_path)
    before = _digest(db)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("BIG-1.json", b" " * (17 << 20))  # compresses to a few KB, inflates past the record bound
    assert archive.stat().st_size < 100_000
    assert main(["db", "update", "--mirror", str(archive), "--db", str(db)]) == 2
    assert "limit" in _one_line_error(capsys)
    assert _digest(db) == before


def test_single_all_zip_files_are_named_after_their_folder(tmp_path: Path, shared_dir: Path) -> None:
    db = tmp_path / "db.sqlite"
    for name in ("Alpine", "PyPI"):
        assert main(["db", "update", "--mirror", str(shared_dir / "osv-mirror" / name / "all.zip"), "--db", str(db)]) == 0
    with VulnDatabase(db) as database:
        assert {s.source for s in database.status().sources} == {"Alpine", "PyPI"}
