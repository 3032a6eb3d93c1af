"""A blob pulled from a registry as a stream, verified as it ends; never written to disk.

:class:`BlobStream` is a read-only file object (``read``, ``readinto``) and also offers
``iter_chunks()``. Bytes are hashed as they pass; reading past the declared size fails at once;
reaching the end checks size and digest and raises :class:`InputError` on a mismatch, so a
consumer that reads to the end never silently accepts tampered content. ``close()`` ends the
HTTP response early without verifying (the caller gave up on the content).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import httpx

from dockgate.errors import InputError
from dockgate.image.digest import new_hasher



class BlobStream(io.RawIOBase):
    def __init__(
        self,
        response: httpx.Response,
        digest: str,
        size: int | None,
        what: str,
        on_network_error: Callable[[httpx.HTTPError], InputError],
    ) -> None:
        super().__init__()
        self._response = response
        self._chunks = response.iter_bytes()  # network-sized chunks: fastest measured
        self._buffer = memoryview(b"")
        self._hasher = new_hasher(digest)
        self.digest = digest
        self.size = size
        self._what = what
        self._on_network_error = on_network_error
        self.bytes_read = 0
        self.verified = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bool:
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self._finish()
            return False
        except httpx.HTTPError as exc:
            self.close()
            raise self._on_network_error(exc) from None
        self.bytes_read += len(chunk)
        if self.size is not None and self.bytes_read > self.size:
            self.close()
            raise InputError(f"{self._what}: blob is larger than its declared size {self.size} (tampered or wrong descriptor)")
        self._hasher.update(chunk)
        self._buffer = memoryview(chunk)
        return True

    def _finish(self) -> None:
        if self.verified:
            return
        self._response.close()
        if self.size is not None and self.bytes_read != self.size:
            raise InputError(f"{self._what}: blob is {self.bytes_read} bytes, expected {self.size} (truncated or tampered)")
        actual = f"{self._hasher.name}:{self._hasher.hexdigest()}"
        if actual != self.digest:
            raise InputError(f"{self._what}: digest mismatch: expected {self.digest}, got {actual} (tampered or corrupt)")
        self.verified = True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.closed:
            raise ValueError("read from a closed blob stream")
        while not self._buffer:
            if self.verified or not self._next_chunk():
                return 0
        count = min(len(buffer), len(self._buffer))
        buffer[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count

    def iter_chunks(self) -> Iterator[bytes]:
        """Yield the blob chunk by chunk (as the network delivers them); verifies at the end."""
        if self._buffer:
            pending, self._buffer = bytes(self._buffer), memoryview(b"")
            yield pending
        while not self.verified and self._next_chunk():
            pending, self._buffer = bytes(self._buffer), memoryview(b"")
            yield pending

    def verify(self) -> str:
        """Read the rest (discarding it) and check size and digest; return the digest."""
        while not self.verified:
            self._buffer = memoryview(b"")
            if not self._next_chunk():
                break
        return self.digest

    def close(self) -> None:
        if not self.closed:
            self._response.close()
        super().close()
