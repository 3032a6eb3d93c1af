"""``db update``: fetch the mirror's zips, build a new database beside the old one, swap it in.

The new database is written in a private temporary folder in the database's own directory
and renamed over the old file only once it is complete, so a failed, interrupted or killed
update leaves the previous database in place and working. One update at a time (lock file).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from dockgate.errors import InputError, UsageError
from dockgate.vulndb.download import NotOnMirror, download, fetch_text
from dockgate.vulndb.sources import RecordSource, check_zip
from dockgate.vulndb.build import build_database
from dockgate.vulndb.store import uri

DEFAULT_MIRROR = "https://osv-vulnerabilities.storage.googleapis.com"
_TEMP_PREFIX = ".dockgate-update-"


@dataclass
class UpdateOptions:
    mirror: str = DEFAULT_MIRROR
    ecosystems: list[str] = field(default_factory=list)
    timeout: float = 30.0
    retries: int = 3


@dataclass(frozen=True)
class UpdateResult:
    path: Path
    records: dict[str, int]
    dropped: tuple[str, ...] = ()  # sources of an older-layout database that must be fetched again


def _check_ecosystem_name(name: str) -> str:
    if not name or "/" in name or "\\" in name or name in (".", "..") or any(ord(c) < 32 for c in name):
        raise UsageError(f"invalid ecosystem name {name!r}")
    return name


@contextmanager
def _update_lock(db_path: Path) -> Iterator[None]:
    """One update per directory at a time: an advisory lock on the directory itself (no lock file)."""
    directory = db_path.parent if str(db_path.parent) else Path(".")
    try:
        handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise InputError(f"cannot open {directory}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(f"another `dockgate db update` is running in {directory}") from None
        yield
    finally:
        os.close(handle)


def _check_not_locked(db_path: Path) -> None:
    """Refuse to replace a database another process holds locked for writing."""
    if not db_path.is_file():
        return
    try:
        connection = sqlite3.connect(uri(db_path, "rw"), uri=True, timeout=0.2, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise InputError(f"vulnerability database {db_path} is locked by another process; not updated") from None
    except sqlite3.Error:
        pass  # a corrupt old database is simply replaced
    finally:
        connection.close()


def _remove_stale_temporaries(directory: Path) -> None:
    for leftover in directory.glob(_TEMP_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)


def update_database(db_path: Path, options: UpdateOptions) -> UpdateResult:
    """Build a new database from ``options.mirror`` and atomically replace ``db_path``."""
    for name in options.ecosystems:
        _check_ecosystem_name(name)
    mirror = options.mirror
    if "://" in mirror and not mirror.startswith(("http://", "https://")):
        raise UsageError(f"unsupported mirror {mirror!r}: give an http(s) URL or a local path")
    if "://" not in mirror and not Path(mirror).exists():
        raise InputError(f"mirror path {mirror} does not exist")
    directory = db_path.parent if str(db_path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {directory}: {exc.strerror or exc}") from None
    with _update_lock(db_path):
        _check_not_locked(db_path)
        _remove_stale_temporaries(directory)
        workdir = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=directory))
        try:
            sources = _gather_sources(options, workdir)
            new_db = workdir / "new.sqlite"
            outcome = build_database(new_db, sources, keep_from=db_path)
            os.replace(new_db, db_path)
        except OSError as exc:
            raise InputError(f"update failed, previous database kept: {exc.strerror or exc}") from None
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return UpdateResult(db_path, outcome.records, outcome.dropped)


def _gather_sources(options: UpdateOptions, workdir: Path) -> list[RecordSource]:
    mirror = options.mirror
    if mirror.startswith(("http://", "https://")):
        return _remote_sources(mirror.rstrip("/"), options, workdir)
    if "://" in mirror:
        raise UsageError(f"unsupported mirror {mirror!r}: give an http(s) URL or a local path")
    return _local_sources(Path(mirror), options)


def _listed(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _unknown(name: str, offered: list[str]) -> InputError:
    shown = ", ".join(offered[:20]) + (" ..." if len(offered) > 20 else "")
    return InputError(f"unknown ecosystem {name!r}: the mirror offers {shown or 'nothing'}")


def _remote_sources(base: str, options: UpdateOptions, workdir: Path) -> list[RecordSource]:
    try:
        offered = _listed(fetch_text(f"{base}/ecosystems.txt", options.timeout, options.retries, workdir / "ecosystems.txt"))
    except NotOnMirror:
        offered = []
    wanted = options.ecosystems or offered
    if not wanted:
        raise InputError(f"{base} lists no ecosystems (no ecosystems.txt): name them with --ecosystem")
    sources = []
    for name in wanted:
        if offered and name not in offered:
            raise _unknown(name, offered)
        url = f"{base}/{quote(name)}/all.zip"
        target = workdir / f"{len(sources)}.zip"
        try:
            download(url, target, options.timeout, options.retries, name)
        except NotOnMirror:
            raise InputError(f"unknown ecosystem {name!r}: {url} not found on the mirror") from None
        check_zip(target, name)
        sources.append(RecordSource(name, target, url))
    return sources


def _local_sources(path: Path, options: UpdateOptions) -> list[RecordSource]:
    if not path.exists():
        raise InputError(f"mirror path {path} does not exist")
    if path.is_file():
        # <Ecosystem>/all.zip is named after its folder; any other zip after its own name
        default_label = path.parent.resolve().name if path.name == "all.zip" else path.stem
        label = options.ecosystems[0] if len(options.ecosystems) == 1 else default_label
        check_zip(path, label)
        return [RecordSource(label, path, str(path.resolve()))]
    listing = path / "ecosystems.txt"
    layout = sorted(p.parent.name for p in path.glob("*/all.zip"))
    if not layout:
        if options.ecosystems:
            raise InputError(f"{path} is not a mirror layout (no <Ecosystem>/all.zip) so --ecosystem cannot select from it")
        return [RecordSource(path.name or str(path), path, str(path.resolve()))]
    offered = _listed(listing.read_text(encoding="utf-8", errors="replace")) if listing.is_file() else layout
    sources = []
    for name in options.ecosystems or offered:
        archive = path / name / "all.zip"
        if name not in offered or not archive.is_file():
            raise _unknown(name, offered)
        check_zip(archive, name)
        sources.append(RecordSource(name, archive, str(archive.resolve())))
    return sources
