"""Fixtures shared by tests/vulndb, tests/match and tests/scan (imported by their conftests).

``osv_mirror_url`` serves ../shared/osv-mirror over a real HTTP server on 127.0.0.1;
``osv_db`` is the database built from it once per session through the real CLI path
(``dockgate db update --mirror http://127.0.0.1:PORT``). ``build_db_from_records`` builds a
small database from hand-written OSV records.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import orjson
import pytest

from dockgate.cli import main

_CACHE: dict[str, Any] = {}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature fixed by the base class
        return None


class _SlowHandler(_QuietHandler):
    delay = 5.0

    def do_GET(self) -> None:  # noqa: N802
        time.sleep(self.delay)
        try:
            super().do_GET()
        except OSError:
            pass  # the client gave up (timed out) long ago


def serve_directory(directory: Path, handler: type = _QuietHandler) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def osv_mirror_url(shared_dir: Path) -> Iterator[str]:
    server, url = serve_directory(shared_dir / "osv-mirror")
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("slow")
    (root / "PyPI").mkdir()
    (root / "PyPI" / "all.zip").write_bytes(b"PK")
    server, url = serve_directory(root, _SlowHandler)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def osv_db(osv_mirror_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole shared mirror, fetched over HTTP and built by `dockgate db update`."""
    if "osv_db" not in _CACHE:
        path = tmp_path_factory.mktemp("osvdb") / "vulndb.sqlite"
        code = main(["db", "update", "--mirror", osv_mirror_url, "--db", str(path), "--timeout", "20"])
        assert code == 0 and path.is_file()
        _CACHE["osv_db"] = path
    return _CACHE["osv_db"]


def write_records(directory: Path, records: list[dict[str, Any]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for record in records:
        (directory / f"{record['id']}.json").write_bytes(orjson.dumps(record))
    return directory


def build_db_from_records(tmp_path: Path, records: list[dict[str, Any]], name: str = "records") -> Path:
    folder = write_records(tmp_path / name, records)
    path = tmp_path / f"{name}.sqlite"
    assert main(["db", "update", "--mirror", str(folder), "--db", str(path)]) == 0
    return path


def osv(advisory_id: str, affected: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    record = {"schema_version": "1.6.0", "id": advisory_id, "modified": "2024-01-01T00:00:00Z", "affected": affected}
    record.update(extra)
    return record


def affected(ecosystem: str, name: str, *ranges: dict[str, Any], versions: list[str] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"package": {"ecosystem": ecosystem, "name": name}, "ranges": list(ranges)}
    if versions is not None:
        entry["versions"] = versions
    return entry


def rng(*events: tuple[str, str], kind: str = "ECOSYSTEM") -> dict[str, Any]:
    return {"type": kind, "events": [{key: value} for key, value in events]}
