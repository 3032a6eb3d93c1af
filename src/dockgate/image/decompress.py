"""Streaming layer decompression (gzip via isal, zstd, plain) with decompression-bomb bounds.

``LayerStream`` is a read-only file-like object over a layer blob: it reads compressed
bytes through a :class:`VerifyingReader` (blob digest), inflates them, hashes the output
(the layer's diff_id) and stops with a clear error once the output passes the bounds.
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO

import zstandard
from isal import isal_zlib

from dockgate.errors import InputError, LimitExceeded
from dockgate.image.limits import Limits

GZIP = "gzip"
ZSTD = "zstd"
PLAIN = "plain"

_CHUNK = 1 << 20


def compression_from_media_type(media_type: str) -> str | None:
    """gzip/zstd/plain from an OCI or Docker layer media type; None when it does not say."""
    mt = media_type.lower()
    if mt.endswith("+gzip") or mt.endswith(".gzip") or mt.endswith("tar.gzip"):
        return GZIP
    if mt.endswith("+zstd") or mt.endswith(".zstd"):
        return ZSTD
    if mt.endswith(".tar") or mt.endswith("layer.v1.tar") or mt.endswith("rootfs.diff.tar"):
        return PLAIN
    return None


def sniff_compression(head: bytes) -> str:
    if head[:2] == b"\x1f\x8b":
        return GZIP
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return ZSTD
    return PLAIN


class LayerStream:
    """File-like reader of a layer's uncompressed tar stream, bounded and hashed."""

    def __init__(self, source: BinaryIO, compression: str, compressed_size: int | None, limits: Limits, what: str) -> None:
        self._source = source
        self._what = what
        self._limits = limits
        self._compressed_size = compressed_size
        self._diff_hasher = hashlib.sha256()
        self.uncompressed_bytes = 0
        self._buffer = b""
        self._pos = 0
        self._eof = False
        self._compression = compression
        if compression == GZIP:
            self._gz = isal_zlib.decompressobj(31)
        elif compression == ZSTD:
            self._zstd = zstandard.ZstdDecompressor().stream_reader(source, read_across_frames=True)
        elif compression != PLAIN:
            raise InputError(f"{what}: unsupported layer compression {compression!r}")

    # --- file-like API used by tarfile ---------------------------------------------------
    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            parts = [self._buffer[self._pos :]]
            self._buffer, self._pos = b"", 0
            while not self._eof:
                parts.append(self._next_chunk())
            return b"".join(parts)
        available = len(self._buffer) - self._pos
        if available >= n:
            out = self._buffer[self._pos : self._pos + n]
            self._pos += n
            return out
        parts = [self._buffer[self._pos :]]
        while available < n and not self._eof:
            chunk = self._next_chunk()
            parts.append(chunk)
            available += len(chunk)
        joined = b"".join(parts)
        self._buffer, self._pos = joined, n
        return joined[:n]

    def skip(self, n: int) -> int:
        """Advance ``n`` bytes without building them into one string; returns how many were skipped."""
        skipped = 0
        while skipped < n:
            available = len(self._buffer) - self._pos
            if available == 0:
                if self._eof:
                    break
                self._buffer, self._pos = self._next_chunk(), 0
                continue
            step = min(available, n - skipped)
            self._pos += step
            skipped += step
        return skipped

    def drain(self) -> None:
        self._buffer, self._pos = b"", 0
        while not self._eof:
            self._next_chunk()

    def diff_id(self) -> str:
        return f"sha256:{self._diff_hasher.hexdigest()}"

    # --- internals -----------------------------------------------------------------------
    def _next_chunk(self) -> bytes:
        try:
            out = self._inflate()
        except (isal_zlib.error, zstandard.ZstdError, EOFError) as exc:
            raise InputError(f"{self._what}: corrupt {self._compression} data ({exc})") from None
        if out:
            self._account(out)
        return out

    def _inflate(self) -> bytes:
        if self._compression == PLAIN:
            chunk = self._source.read(_CHUNK)
            if not chunk:
                self._eof = True
            return chunk
        if self._compression == GZIP:
            return self._inflate_gzip()
        return self._inflate_zstd()

    def _inflate_gzip(self) -> bytes:
        while True:
            gz = self._gz
            if gz.unconsumed_tail:
                return gz.decompress(gz.unconsumed_tail, _CHUNK)
            if gz.eof:
                rest = gz.unused_data or self._source.read(_CHUNK)
                if not rest:
                    self._eof = True
                    return b""
                if rest.strip(b"\x00") == b"":
                    # zero padding after the last member: consume it so the blob digest covers it
                    while self._source.read(_CHUNK):
                        pass
                    self._eof = True
                    return b""
                self._gz = isal_zlib.decompressobj(31)  # concatenated gzip members
                out = self._gz.decompress(rest, _CHUNK)
                if out:
                    return out
                continue
            chunk = self._source.read(_CHUNK)
            if not chunk:
                raise InputError(f"{self._what}: gzip stream is truncated")
            out = gz.decompress(chunk, _CHUNK)
            if out:
                return out

    def _inflate_zstd(self) -> bytes:
        out = self._zstd.read(_CHUNK)
        if not out:
            self._eof = True
        return out

    def _account(self, out: bytes) -> None:
        self.uncompressed_bytes += len(out)
        self._diff_hasher.update(out)
        limits = self._limits
        if self.uncompressed_bytes > limits.max_layer_bytes:
            raise LimitExceeded(
                f"{self._what}: layer expands beyond {limits.max_layer_bytes} bytes; refusing (possible decompression bomb)"
            )
        if (
            self._compression != PLAIN
            and self._compressed_size
            and self.uncompressed_bytes > limits.ratio_floor
            and self.uncompressed_bytes > limits.max_ratio * self._compressed_size
        ):
            raise LimitExceeded(
                f"{self._what}: layer inflates more than {limits.max_ratio}x its compressed size "
                f"({self._compressed_size} bytes); refusing (possible decompression bomb)"
            )
