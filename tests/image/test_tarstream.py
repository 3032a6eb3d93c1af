"""The streaming tar reader against archives written by Python's tarfile in every format."""

from __future__ import annotations

import io
import tarfile

import pytest

from dockgate.errors import InputError, LimitExceeded
from dockgate.image.tarstream import TarReader


class Source:
    def __init__(self, data: bytes) -> None:
        self._io = io.BytesIO(data)

    def read(self, n: int) -> bytes:
        return self._io.read(n)

    def skip(self, n: int) -> int:
        return len(self._io.read(n))


def make(fmt: int, entries: list[tuple[str, str, bytes, str]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as tar:
        for name, kind, data, link in entries:
            info = tarfile.TarInfo(name)
            info.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE}[kind]
            info.linkname = link
            info.size = len(data) if kind == "file" else 0
            info.uid = 1000
            info.mode = 0o4755 if kind == "file" else 0o755
            tar.addfile(info, io.BytesIO(data) if kind == "file" else None)
    return buffer.getvalue()


LONG = "very/" * 40 + "long-name.txt"
ENTRIES = [
    ("etc", "dir", b"", ""),
    ("etc/passwd", "file", b"root:x:0:0\n", ""),
    (LONG, "file", b"x" * 1000, ""),
    ("etc/link", "symlink", b"", "passwd"),
    ("etc/hard", "hardlink", b"", "etc/passwd"),
    ("etc/" + "l" * 120, "symlink", b"", "t" * 150),
    ("dev-fifo", "fifo", b"", ""),
    ("ünïcode/名前.txt", "file", b"u", ""),
]


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_formats(fmt: int) -> None:
    entries = ENTRIES if fmt != tarfile.USTAR_FORMAT else [e for e in ENTRIES if len(e[3]) < 100 and len(e[0]) < 100 and e[0].isascii()]
    reader = TarReader(Source(make(fmt, entries)), "t")
    seen = []
    for entry in reader:
        data = reader.read_data(1 << 20) if entry.name in ("etc/passwd", LONG) else None
        seen.append((entry.name.rstrip("/"), entry.kind, entry.linkname, data))
        if entry.name == "etc/passwd":
            assert entry.mode == 0o4755 and entry.uid == 1000
    expected = [(n, k if k != "fifo" else "other", l, d if n in ("etc/passwd", LONG) else None) for n, k, d, l in entries]
    assert seen == expected


def test_checksum_mismatch_and_garbage() -> None:
    data = bytearray(make(tarfile.PAX_FORMAT, ENTRIES[:2]))
    data[600] ^= 0x01  # inside the second header
    with pytest.raises(InputError, match="checksum"):
        list(TarReader(Source(bytes(data)), "t"))
    with pytest.raises(InputError):
        list(TarReader(Source(b"\x01" * 2048), "t"))


def test_truncated() -> None:
    data = make(tarfile.PAX_FORMAT, ENTRIES[:3])
    reader = TarReader(Source(data[:1500]), "t")
    with pytest.raises(InputError, match="truncated"):
        for _ in reader:
            pass


def test_read_data_bound() -> None:
    reader = TarReader(Source(make(tarfile.PAX_FORMAT, [("big", "file", b"y" * 5000, "")])), "t")
    entry = next(iter(reader))
    with pytest.raises(LimitExceeded):
        reader.read_data(100)
    assert entry.size == 5000


def test_base256_size() -> None:
    header = bytearray(tarfile.TarInfo("f").tobuf(format=tarfile.GNU_FORMAT))
    header[124:136] = b"\x80" + (7).to_bytes(11, "big")  # base-256 size 7
    header[148:156] = b"        "
    header[148:155] = f"{sum(header):06o}\x00".encode()
    data = bytes(header) + b"content" + b"\0" * (512 - 7) + b"\0" * 1024
    reader = TarReader(Source(data), "t")
    entry = next(iter(reader))
    assert entry.size == 7 and reader.read_data(10) == b"content"
