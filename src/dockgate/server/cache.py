"""Verdict cache keyed by image digest, vulnerability database version and policy, in SQLite.

It survives restarts: a pod that comes back answers cached images at once. Entries are small
JSON documents; the oldest are pruned past ``max_entries``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from dockgate.errors import InputError

SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    digest TEXT NOT NULL,
    db_version TEXT NOT NULL,
    policy TEXT NOT NULL,
    created REAL NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (digest, db_version, policy)
)
"""


class VerdictCache:
    def __init__(self, path: Path | str, max_entries: int = 100_000) -> None:
        self.path = Path(path)
        self.max_entries = max_entries
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=5)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise InputError(f"cannot open verdict cache {self.path}: {exc}") from None
        self._memory: dict[tuple[str, str, str], dict[str, Any]] = {}

    def get(self, digest: str, db_version: str, policy: str) -> dict[str, Any] | None:
        key = (digest, db_version, policy)
        hit = self._memory.get(key)
        if hit is not None:
            return hit
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM verdicts WHERE digest=? AND db_version=? AND policy=?", key
            ).fetchone()
        if row is None:
            return None
        body = json.loads(row[0])
        self._memory[key] = body
        return body

    def put(self, digest: str, db_version: str, policy: str, body: dict[str, Any]) -> None:
        text = json.dumps(body, separators=(",", ":"))
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO verdicts (digest, db_version, policy, created, body) VALUES (?,?,?,?,?)",
                (digest, db_version, policy, time.time(), text),
            )
            count = self._db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0]
            if count > self.max_entries:
                self._db.execute(
                    "DELETE FROM verdicts WHERE rowid IN (SELECT rowid FROM verdicts ORDER BY created LIMIT ?)",
                    (count - self.max_entries,),
                )
                self._memory.clear()
        self._memory[(digest, db_version, policy)] = body

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
