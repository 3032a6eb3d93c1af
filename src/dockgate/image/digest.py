"""Content digests (``sha256:<hex>``): parsing, and readers that verify while streaming."""

from __future__ import annotations

import hashlib
import re
from typing import BinaryIO

from dockgate.errors import InputError

_DIGEST_RE = re.compile(r"^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$")


def parse_digest(value: object, what: str) -> str:
    """Return ``value`` when it is a well-formed digest, else raise a clear InputError."""
    if not isinstance(value, str) or not _DIGEST_RE.match(value):
        shown = value if isinstance(value, str) and len(value) < 100 else type(value).__name__
        raise InputError(f"{what}: invalid digest {shown!r}")
    return value


def new_hasher(digest: str) -> "hashlib._Hash":
    return hashlib.new(digest.split(":", 1)[0])


def digest_of(data: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"


class VerifyingReader:
    """Wrap a binary stream; hash and count what is read; ``verify()`` checks digest and size.

    A stream that verifies the same digest itself (a registry blob stream: attributes ``digest``
    and ``verified``) is not hashed twice: ``verify()`` then drains it and requires its verdict."""

    def __init__(self, raw: BinaryIO, digest: str | None, size: int | None, what: str) -> None:
        self._raw = raw
        self._expected = digest
        self._expected_size = size
        self._delegated = digest is not None and getattr(raw, "digest", None) == digest and hasattr(raw, "verified")
        self._hasher = new_hasher(digest) if digest else hashlib.sha256()
        self._what = what
        self.bytes_read = 0

    def read(self, n: int = -1) -> bytes:
        if self._expected_size is not None:
            remaining = self._expected_size - self.bytes_read
            # read one byte past the declared size, so an oversized blob is noticed
            n = remaining + 1 if n < 0 else min(n, remaining + 1)
            if n <= 0:
                return b""
        chunk = self._raw.read(n)
        self.bytes_read += len(chunk)
        if not self._delegated:
            self._hasher.update(chunk)
        if self._expected_size is not None and self.bytes_read > self._expected_size:
            raise InputError(f"{self._what}: blob is larger than its descriptor's size {self._expected_size}")
        return chunk

    def drain(self) -> None:
        while self.read(1 << 20):
            pass

    def verify(self) -> str:
        """Drain the rest of the stream and check it; return the computed digest."""
        self.drain()
        if self._expected_size is not None and self.bytes_read != self._expected_size:
            raise InputError(
                f"{self._what}: blob is {self.bytes_read} bytes, its descriptor says {self._expected_size} (truncated or tampered)"
            )
        if self._delegated:
            if not getattr(self._raw, "verified", False):  # the stream raises on a mismatch; not reaching its end is one too
                raise InputError(f"{self._what}: blob was not verified against {self._expected} (truncated stream)")
            return str(self._expected)
        actual = f"{self._hasher.name}:{self._hasher.hexdigest()}"
        if self._expected is not None and actual != self._expected:
            raise InputError(f"{self._what}: digest mismatch: expected {self._expected}, got {actual} (tampered or corrupt)")
        return actual
