"""Validators that turn a regex match into a finding or a near-miss.

Each takes the matched value (str) and returns True when it is a credible secret. They are
referred to by name from the rule table, so rules stay plain data.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import zlib
from collections import Counter
from typing import Callable

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# Values that are obviously not real: documentation placeholders and variable references.
PLACEHOLDERS = frozenset(
    {
        "password", "passwd", "pass", "secret", "token", "changeme", "change_me", "example",
        "xxx", "xxxx", "xxxxxx", "xxxxxxxx", "none", "null", "true", "false", "redacted",
        "your_password", "yourpassword", "mypassword", "my_password", "user", "username",
        "placeholder", "dummy", "test", "testing", "foobar", "foo", "bar", "secret_key",
    }
)
_REFERENCE = re.compile(r"^(?:\$|%\(|%s|\{|<|\[|\*{3}|\.\.\.|@|#)")


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def is_placeholder(value: str) -> bool:
    lowered = value.lower().strip("'\"")
    if lowered in PLACEHOLDERS or _REFERENCE.match(lowered):
        return True
    if len(set(lowered)) <= 2:  # "********", "xxxxxxxx", "00000000"
        return True
    return "example" in lowered or "placeholder" in lowered or "changeme" in lowered


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(BASE62[rest])
    return "".join(reversed(digits)).rjust(width, "0")


def github_checksum_ok(token: str) -> bool:
    """New-format GitHub tokens (ghp_ etc.): 30 random base62 chars then their CRC32 in 6 base62 chars."""
    _, _, body = token.partition("_")
    if len(body) != 36:
        return False
    random_part, checksum = body[:30], body[30:]
    return base62(zlib.crc32(random_part.encode()), 6) == checksum


def _b64url_json(segment: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None


def jwt_ok(token: str) -> bool:
    """A JWT whose header decodes to JSON naming an algorithm and whose payload is JSON."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    header, payload = _b64url_json(parts[0]), _b64url_json(parts[1])
    if header is None or payload is None:
        return False
    return header.lstrip().startswith(b"{") and b'"alg"' in header and payload.lstrip().startswith(b"{")


def docker_auth_ok(value: str) -> bool:
    """A registry ``auth`` field: base64 of ``user:password`` with a real password."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    user, sep, password = decoded.partition(":")
    return bool(sep and user and password) and not is_placeholder(password)


def not_placeholder(value: str) -> bool:
    return bool(value) and not is_placeholder(value)


_CHUNK = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_VOWEL = re.compile(r"[aeiouyAEIOUY]")


def looks_like_identifier(value: str) -> bool:
    """Names built from words (V1LocalObjectReference, OAUTH2_CLIENT_SECRET, enable-private-dns):
    most letters belong to word-like chunks of three or more letters with a vowel."""
    letters = sum(c.isalnum() for c in value)
    if not letters:
        return True
    wordy = sum(len(chunk) for chunk in _CHUNK.findall(value) if len(chunk) >= 3 and chunk.isalpha() and _VOWEL.search(chunk))
    return wordy / letters >= 0.6


def high_entropy_password(value: str) -> bool:
    """Generic assignments: long enough, letters and digits mixed, random-looking, not code."""
    value = value.strip("'\"")
    if len(value) < 8 or is_placeholder(value):
        return False
    if "\\" in value or value.count("/") >= 2 or value.count(":") >= 2 or value.lower().startswith("urn:"):
        return False  # escaped blobs, resource paths, URNs
    if looks_like_identifier(value):
        return False
    if not any(c.isdigit() for c in value) or not any(c.isalpha() for c in value):
        return False
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+", value):  # attribute access
        return False
    if re.fullmatch(r"[0-9a-f]{32,}", value) is None and shannon_entropy(value) < 3.3:
        return False
    return not value.startswith(("/", "./", "http"))


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "github_checksum": github_checksum_ok,
    "jwt": jwt_ok,
    "docker_auth": docker_auth_ok,
    "not_placeholder": not_placeholder,
    "high_entropy_password": high_entropy_password,
}
