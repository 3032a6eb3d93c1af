"""Reading OSV records from where they are: a zip of JSON files, or a directory of JSON files.

Every zip is checked as it is read (central directory, CRC of each member, size bounds), so a
truncated or corrupt archive stops the build before anything replaces the old database.
"""

from __future__ import annotations

import mmap
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from dockgate.errors import InputError, LimitExceeded

MAX_RECORD_BYTES = 16 << 20  # one OSV record larger than this is not plausible
MAX_RECORDS = 2_000_000
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature ... file name length, extra field length


@dataclass(frozen=True)
class RecordSource:
    """Records of one ecosystem (or of one file/folder the user named) and where they came from."""

    label: str  # ecosystem folder name ("Debian") or the file name for a single zip/folder
    path: Path  # a .zip file or a directory of .json files
    origin: str  # URL or path shown by ``db status``


def check_zip(path: Path, label: str) -> None:
    """Fail with one line unless ``path`` ends like a zip archive (end-of-central-directory record).

    Cheap on purpose: the central directory and each member's CRC are verified while reading."""
    try:
        valid = zipfile.is_zipfile(path)
    except OSError as exc:
        raise InputError(f"{label}: cannot read {path}: {exc.strerror or exc}") from None
    if not valid:
        raise InputError(f"{label}: {path.name} is not a valid zip archive (truncated or corrupt)")


def iter_records(source: RecordSource) -> Iterator[tuple[str, bytes]]:
    """Yield (origin, raw JSON bytes) for each record of ``source``."""
    if source.path.is_dir():
        yield from _iter_directory(source)
    else:
        yield from _iter_zip(source)


def _iter_zip(source: RecordSource) -> Iterator[tuple[str, bytes]]:
    """Members read straight from a memory map of the archive: the central directory is parsed
    by ``zipfile``, each member's local header is checked and its data inflated with a bound and
    checked against the directory's size and CRC. (``zipfile``'s per-member file objects cost
    more than the records' own parsing.)"""
    try:
        archive = zipfile.ZipFile(source.path)
    except zipfile.BadZipFile as exc:
        raise InputError(f"{source.label}: {source.path.name} is not a valid zip archive ({exc})") from None
    except OSError as exc:
        raise InputError(f"cannot read {source.path}: {exc.strerror or exc}") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir() and info.filename.endswith(".json")]
        if not members:
            raise InputError(f"{source.label}: {source.path.name} holds no .json records")
        if len(members) > MAX_RECORDS:
            raise LimitExceeded(f"{source.label}: {len(members)} records in {source.path.name} (limit {MAX_RECORDS})")
        try:
            handle = open(source.path, "rb")
        except OSError as exc:
            raise InputError(f"cannot read {source.path}: {exc.strerror or exc}") from None
        with handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            for info in members:
                yield f"{source.label}/{info.filename}", _member(mapped, info, source)


def _member(mapped: mmap.mmap, info: zipfile.ZipInfo, source: RecordSource) -> bytes:
    def corrupt(reason: str) -> InputError:
        return InputError(f"{source.label}: {source.path.name} is corrupt at {info.filename[:200]} ({reason})")

    if info.file_size > MAX_RECORD_BYTES:
        raise LimitExceeded(f"{source.label}: {info.filename[:200]} is {info.file_size} bytes (limit {MAX_RECORD_BYTES})")
    if info.flag_bits & 0x1:
        raise corrupt("encrypted member")
    offset = info.header_offset
    header = mapped[offset : offset + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise corrupt("bad local file header")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    end = start + info.compress_size
    if end > len(mapped):
        raise corrupt("data runs past the end of the archive")
    packed = mapped[start:end]
    if info.compress_type == zipfile.ZIP_STORED:
        data = packed
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            data = inflater.decompress(packed, info.file_size + 1)  # never more than declared (+1 to notice)
        except zlib.error as exc:
            raise corrupt(str(exc)) from None
    else:
        raise corrupt(f"unsupported compression method {info.compress_type}")
    if len(data) != info.file_size:
        raise corrupt(f"{len(data)} bytes where the directory says {info.file_size}")
    if zlib.crc32(data) != info.CRC:
        raise corrupt("CRC mismatch")
    return data


def _iter_directory(source: RecordSource) -> Iterator[tuple[str, bytes]]:
    count = 0
    for path in sorted(source.path.rglob("*.json")):
        if not path.is_file():
            continue
        count += 1
        if count > MAX_RECORDS:
            raise LimitExceeded(f"{source.label}: more than {MAX_RECORDS} records in {source.path}")
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            raise LimitExceeded(f"{path}: {size} bytes (limit {MAX_RECORD_BYTES})")
        try:
            yield str(path), path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
