"""VerifyingReader: hashes and counts what passes, or relies on a stream that verifies itself."""

from __future__ import annotations

import hashlib
import io

import pytest

from dockgate.errors import InputError
from dockgate.image.digest import VerifyingReader

DATA = b"layer bytes " * 1000
DIGEST = "sha256:" + hashlib.sha256(DATA).hexdigest()


class SelfVerifying(io.BytesIO):
    """A stream that checks its own digest when read to the end, as a registry blob stream does."""

    def __init__(self, data: bytes, digest: str, honest: bool = True) -> None:
        super().__init__(data)
        self.digest = digest
        self.verified = False
        self.honest = honest
        self.hashed = hashlib.sha256()

    def read(self, n: int | None = -1) -> bytes:  # type: ignore[override]
        chunk = super().read(n)
        self.hashed.update(chunk)
        if not chunk and self.honest:
            if f"sha256:{self.hashed.hexdigest()}" != self.digest:
                raise InputError("digest mismatch (stream)")
            self.verified = True
        return chunk


def test_plain_stream_is_hashed_and_checked() -> None:
    reader = VerifyingReader(io.BytesIO(DATA), DIGEST, len(DATA), "x")
    assert reader.read(10) == DATA[:10] and reader.verify() == DIGEST
    tampered = VerifyingReader(io.BytesIO(DATA[:-1] + b"!"), DIGEST, len(DATA), "x")
    with pytest.raises(InputError, match="digest mismatch"):
        tampered.verify()


def test_a_self_verifying_stream_is_not_hashed_twice_but_its_verdict_is_required() -> None:
    assert VerifyingReader(SelfVerifying(DATA, DIGEST), DIGEST, len(DATA), "x").verify() == DIGEST
    with pytest.raises(InputError, match="mismatch"):
        VerifyingReader(SelfVerifying(DATA[:-1] + b"!", DIGEST), DIGEST, len(DATA), "x").verify()
    with pytest.raises(InputError, match="not verified"):
        VerifyingReader(SelfVerifying(DATA, DIGEST, honest=False), DIGEST, len(DATA), "x").verify()
    short_digest = "sha256:" + hashlib.sha256(DATA[:-5]).hexdigest()
    with pytest.raises(InputError, match="descriptor says"):  # the stream is fine with itself; the size is not
        VerifyingReader(SelfVerifying(DATA[:-5], short_digest), short_digest, len(DATA), "x").verify()


def test_a_stream_verifying_another_digest_is_hashed_here() -> None:
    other = "sha256:" + "0" * 64
    reader = VerifyingReader(SelfVerifying(DATA, other, honest=False), DIGEST, len(DATA), "x")
    assert reader.verify() == DIGEST
    liar = VerifyingReader(SelfVerifying(DATA[:-1] + b"!", other, honest=False), DIGEST, len(DATA), "x")
    with pytest.raises(InputError, match="digest mismatch"):
        liar.verify()
