"""A small, strict, streaming tar reader for layer contents.

Python's tarfile is general but slow on layers with tens of thousands of entries; this
reader parses only what layers use: ustar/GNU/PAX headers (checksums verified), PAX
``path``/``linkpath``/``size``/``uid``/``gid`` records, GNU long names and links. Data that
nobody asked for is skipped while streaming. Anything malformed is an InputError.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol

from dockgate.errors import InputError, LimitExceeded

BLOCK = 512
_ZERO_BLOCK = bytes(BLOCK)
MAX_META = 1 << 20  # PAX records and GNU long names

REGULAR_TYPES = (b"0", b"\x00", b"7")
TYPE_NAMES = {b"1": "hardlink", b"2": "symlink", b"5": "dir"}


class ByteSource(Protocol):
    def read(self, n: int) -> bytes: ...

    def skip(self, n: int) -> int: ...


@dataclass(slots=True)
class TarEntry:
    name: str
    kind: str  # "file", "dir", "symlink", "hardlink", "other"
    size: int
    mode: int
    uid: int
    gid: int
    linkname: str


def _number(field: bytes, what: str) -> int:
    if field and field[0] & 0x80:  # GNU base-256
        value = int.from_bytes(field, "big", signed=False) & ~(0x80 << (8 * (len(field) - 1)))
        return value
    text = field.split(b"\x00", 1)[0].strip(b" \x00")
    if not text:
        return 0
    try:
        return int(text, 8)
    except ValueError:
        raise InputError(f"{what}: malformed tar header number {text[:20]!r}") from None


def _text(field: bytes) -> str:
    return field.split(b"\x00", 1)[0].decode("utf-8", "surrogateescape")


def _parse_pax(data: bytes, what: str) -> dict[str, str]:
    records: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        if data[pos] == 0:
            break
        space = data.find(b" ", pos)
        if space < 0:
            raise InputError(f"{what}: malformed PAX header")
        try:
            length = int(data[pos:space])
        except ValueError:
            raise InputError(f"{what}: malformed PAX record length") from None
        if length <= 0 or pos + length > len(data):
            raise InputError(f"{what}: malformed PAX record length")
        record = data[space + 1 : pos + length - 1]
        key, sep, value = record.partition(b"=")
        if not sep:
            raise InputError(f"{what}: malformed PAX record")
        records[key.decode("utf-8", "replace")] = value.decode("utf-8", "surrogateescape")
        pos += length
    return records


class TarReader:
    """Iterate entries; call :meth:`read_data` on an entry to get its content, or don't."""

    def __init__(self, source: ByteSource, what: str) -> None:
        self._source = source
        self._what = what
        self._remaining = 0  # unread data bytes (with padding) of the current entry
        self._data_left = 0

    def _exact(self, n: int) -> bytes:
        data = self._source.read(n)
        if len(data) != n:
            raise InputError(f"{self._what}: tar stream is truncated")
        return data

    def _skip_current(self) -> None:
        if self._remaining:
            skipped = self._source.skip(self._remaining)
            if skipped != self._remaining:
                raise InputError(f"{self._what}: tar stream is truncated")
            self._remaining = 0
            self._data_left = 0

    def read_data(self, limit: int) -> bytes:
        """The current entry's content (at most ``limit`` bytes, else LimitExceeded)."""
        if self._data_left > limit:
            raise LimitExceeded(f"{self._what}: entry of {self._data_left} bytes is over the {limit}-byte bound")
        data = self._exact(self._data_left)
        self._remaining -= self._data_left
        self._data_left = 0
        self._skip_current()
        return data

    def _meta_block(self, size: int) -> bytes:
        if size > MAX_META:
            raise LimitExceeded(f"{self._what}: tar extended header of {size} bytes is too large")
        padded = (size + BLOCK - 1) // BLOCK * BLOCK
        return self._exact(padded)[:size]

    def __iter__(self) -> Iterator[TarEntry]:
        pax: dict[str, str] = {}
        long_name: str | None = None
        long_link: str | None = None
        what = self._what
        while True:
            self._skip_current()
            header = self._source.read(BLOCK)
            if not header:
                return  # end of stream without the end-of-archive blocks: tolerated
            if len(header) != BLOCK:
                raise InputError(f"{what}: tar stream is truncated")
            if header == _ZERO_BLOCK:
                return
            stored = _number(header[148:156], what)
            unsigned = sum(header[:148]) + 256 + sum(header[156:])
            if stored != unsigned:
                signed = sum(b - 256 if b > 127 else b for b in header[:148] + header[156:]) + 256
                if stored != signed:
                    raise InputError(f"{what}: tar header checksum mismatch (not a tar stream, or corrupt)")
            typeflag = header[156:157]
            size = _number(header[124:136], what)
            if typeflag in (b"x", b"g"):
                records = _parse_pax(self._meta_block(size), what)
                if typeflag == b"x":
                    pax = records
                continue
            if typeflag == b"L":
                long_name = self._meta_block(size).split(b"\x00", 1)[0].decode("utf-8", "surrogateescape")
                continue
            if typeflag == b"K":
                long_link = self._meta_block(size).split(b"\x00", 1)[0].decode("utf-8", "surrogateescape")
                continue
            if typeflag == b"S" or any(k.startswith("GNU.sparse") for k in pax):
                raise InputError(f"{what}: sparse tar entries are not supported in image layers")
            name = _text(header[0:100])
            if header[257:262] == b"ustar" and header[345] != 0 and typeflag not in (b"L", b"K"):
                prefix = _text(header[345:500])
                if prefix:
                    name = f"{prefix}/{name}"
            name = pax.get("path", long_name if long_name is not None else name)
            linkname = pax.get("linkpath", long_link if long_link is not None else _text(header[157:257]))
            if "size" in pax:
                try:
                    size = int(pax["size"])
                except ValueError:
                    raise InputError(f"{what}: malformed PAX size") from None
            uid = int(pax["uid"]) if pax.get("uid", "").isdigit() else _number(header[108:116], what)
            gid = int(pax["gid"]) if pax.get("gid", "").isdigit() else _number(header[116:124], what)
            mode = _number(header[100:108], what)
            pax, long_name, long_link = {}, None, None
            if typeflag in REGULAR_TYPES:
                kind = "file"
            else:
                kind = TYPE_NAMES.get(typeflag, "other")
            # only regular files (and unknown types) carry data in the stream
            data_size = size if kind in ("file", "other") else 0
            if data_size < 0:
                raise InputError(f"{what}: negative entry size")
            self._data_left = data_size
            self._remaining = (data_size + BLOCK - 1) // BLOCK * BLOCK
            yield TarEntry(name, kind, data_size, mode, uid, gid, linkname)
