"""Reading records from hostile zips: every member is checked against the central directory
(local header, bounds, size, CRC, method) and inflated with a bound, one clear error otherwise."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import orjson
import pytest

from dockgate.errors import InputError, LimitExceeded
from dockgate.vulndb.sources import MAX_RECORD_BYTES, RecordSource, iter_records

RECORD = orjson.dumps({"id": "A-1", "modified": "2024-01-01T00:00:00Z", "details": "x" * 300})


def _zip(method: int = zipfile.ZIP_DEFLATED, records: int = 2) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for n in range(records):
            zf.writestr(f"A-{n}.json", RECORD)
    return buffer.getvalue()


def _read(tmp_path: Path, data: bytes) -> list[tuple[str, bytes]]:
    path = tmp_path / "all.zip"
    path.write_bytes(data)
    return list(iter_records(RecordSource("PyPI", path, str(path))))


def _central(data: bytes, field_offset: int, fmt: str, value: int) -> bytes:
    """``data`` with one field of the first central directory entry replaced."""
    at = data.index(b"PK\x01\x02") + field_offset
    return data[:at] + struct.pack(fmt, value) + data[at + struct.calcsize(fmt) :]


def test_good_archive_reads_every_member(tmp_path: Path) -> None:
    for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        assert [raw for _, raw in _read(tmp_path, _zip(method))] == [RECORD, RECORD]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        pytest.param(lambda d: _central(d, 24, "<L", len(RECORD) - 5), "directory says", id="uncompressed-size-too-small"),
        pytest.param(lambda d: _central(d, 24, "<L", len(RECORD) + 5), "directory says", id="uncompressed-size-too-big"),
        pytest.param(lambda d: _central(d, 16, "<L", 0xDEADBEEF), "CRC", id="crc"),
        pytest.param(lambda d: _central(d, 42, "<L", 7), "local file header", id="header-offset"),
        pytest.param(lambda d: _central(d, 20, "<L", 10**6), "past the end", id="compressed-size"),
        pytest.param(lambda d: _central(d, 8, "<H", 1), "encrypted", id="encrypted"),
        pytest.param(lambda d: _central(d, 10, "<H", 99), "compression method", id="unknown-method"),
        pytest.param(lambda d: d.replace(b"PK\x03\x04", b"PK\x03\x05", 1), "local file header", id="local-signature"),
    ],
)
def test_damaged_member_is_one_clear_error(tmp_path: Path, damage, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message) as caught:
        _read(tmp_path, damage(_zip()))
    assert "\n" not in str(caught.value) and "A-0.json" in str(caught.value)


def test_inflation_is_bounded_by_the_declared_size(tmp_path: Path) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("A-0.json", b"[" + b" " * (8 << 20) + b"]")
    data = _central(bomb.getvalue(), 24, "<L", 100)  # claims 100 bytes, inflates to 8 MiB
    with pytest.raises(InputError, match="directory says 100"):
        _read(tmp_path, data)


def test_oversized_record_is_refused_before_inflating(tmp_path: Path) -> None:
    data = _central(_zip(), 24, "<L", MAX_RECORD_BYTES + 1)
    with pytest.raises(LimitExceeded, match="limit"):
        _read(tmp_path, data)
