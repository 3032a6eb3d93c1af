"""Hostile content: bounded time per file, no crash."""

from __future__ import annotations

import os
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockgate.secrets.scanner import ContentScanner

MiB = 1 << 20
BOUND_SECONDS = 5.0  # generous: each of these takes well under a second


@pytest.fixture(scope="module")
def scanner() -> ContentScanner:
    return ContentScanner()


HOSTILE = {
    "repeated-a": b"a" * (8 * MiB),
    "repeated-equals": b"=" * (4 * MiB),
    "password-equals-run": b"password=" + b"A1" * (2 * MiB),
    "many-keywords": b"password=x token=y ://a:b@ " * 200_000,
    "one-long-line-keywords": (b"secret:" + b"Zz9" * 40) * 20_000,
    "begin-key-no-end": b"-----BEGIN RSA PRIVATE KEY-----\n" + b"A" * (4 * MiB),
    "many-key-headers": b"-----BEGIN PRIVATE KEY-----\n" * 100_000,
    "eyJ-run": b"eyJ" * (1 * MiB),
    "eyJ-dots": (b"eyJ" + b"a" * 50 + b".") * 50_000,
    "url-run": b"https://" + b"u" * MiB + b":" + b"p" * MiB,
    "machine-run": b"machine " * 300_000,
    "invalid-utf8": bytes(range(128, 256)) * 40_000 + b" password=\xff\xfe\xfdA1b2C3d4e5\n",
    "newlines": b"\n" * (8 * MiB),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_content_is_scanned_in_bounded_time(scanner: ContentScanner, name: str) -> None:
    start = time.perf_counter()
    scanner.scan(HOSTILE[name], "/app/x.env")
    assert time.perf_counter() - start < BOUND_SECONDS


def test_binary_is_skipped_fast(scanner: ContentScanner) -> None:
    blob = b"\x7fELF\x02\x01\x01\x00" + os.urandom(MiB) + b"AWS=" + b"AKIA" + b"6BKVDM7I3FMQ233X"
    start = time.perf_counter()
    assert scanner.scan(blob, "/usr/bin/x") == []
    assert time.perf_counter() - start < 0.5


def test_random_bytes_without_nul() -> None:
    rng = random.Random(5)
    data = bytes(rng.randrange(1, 256) for _ in range(200_000))
    start = time.perf_counter()
    ContentScanner().scan(data, "/x")
    assert time.perf_counter() - start < BOUND_SECONDS


def test_secret_far_into_a_long_line_is_ignored_but_near_start_is_found(scanner: ContentScanner) -> None:
    token = b"AKIA" + b"6BKVDM7I3FMQ233X"
    assert scanner.scan(b"x" * 20_000 + b" " + token, "/min.js") == []
    assert len(scanner.scan(b"x" * 100 + b" " + token, "/min.js")) == 1


def test_findings_per_rule_are_capped(scanner: ContentScanner) -> None:
    lines = b"".join(b"k%d = AKIA%sQ\n" % (i, (b"%015d" % i).translate(bytes.maketrans(b"0123456789", b"ABCDEFGHIJ"))) for i in range(500))
    found = scanner.scan(lines, "/x")
    assert 0 < len(found) <= 100


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_fuzz_never_crashes(data: bytes) -> None:
    ContentScanner().scan(data, "/root/.docker/config.json")
    ContentScanner().scan(data.replace(b"\x00", b"a"), "/root/.netrc")
