"""Debian/Ubuntu version ordering, as dpkg defines it (deb-version(7)).

A version is ``[epoch:]upstream[-revision]``. Epochs compare numerically; upstream and
revision compare with dpkg's algorithm: alternate runs of non-digits and digits, non-digit
runs compared character by character where ``~`` sorts before everything (even the end of
the string), then the end, then letters, then all other characters; digit runs compare
numerically. The key spells that order out as a flat tuple of ints.
"""

from __future__ import annotations

import re

from dockgate.versions.base import KeyedComparator

_UPSTREAM_CHARS = re.compile(r"[A-Za-z0-9.+~:-]*", re.ASCII)
_REVISION_CHARS = re.compile(r"[A-Za-z0-9.+~]*", re.ASCII)
_EPOCH_MAX = 2**31 - 1
_RUNS = re.compile(r"([^0-9]*)([0-9]*)", re.ASCII)


def _char_order(char: str) -> int:
    if char == "~":
        return -1
    if char.isalpha():
        return ord(char)
    return ord(char) + 256


_ORDER = {chr(code): _char_order(chr(code)) for code in range(128)}


def dpkg_part_key(part: str) -> tuple[int, ...]:
    """Sort key of an upstream version or revision under dpkg's verrevcmp.

    Each (non-digit run, digit run) pair becomes the run's character orders, a 0 ending the
    run, then the run's number. A final 0 stands for the endless empty runs dpkg pads the
    shorter string with: it sorts above ``~`` and below any other character.
    """
    runs = _RUNS.findall(part)
    if len(runs) > 1:
        runs.pop()  # findall ends with the empty match at the end of the string
    key: list[int] = []
    for letters, digits in runs:
        if letters:
            key.extend([_ORDER[char] if char in _ORDER else _char_order(char) for char in letters])
        key.append(0)
        key.append(int(digits) if digits else 0)
    key.append(0)
    return tuple(key)


class DpkgComparator(KeyedComparator):
    """dpkg ordering; instantiate with name "Debian" or "Ubuntu"."""

    name = "Debian"

    def _parse(self, version: str) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
        epoch = 0
        rest = version
        if ":" in version:
            epoch_text, rest = version.split(":", 1)
            if not epoch_text:
                raise self.invalid(version, "epoch is empty")
            if not (epoch_text.isascii() and epoch_text.isdigit()):
                raise self.invalid(version, "epoch is not a number")
            epoch = int(epoch_text)
            if epoch > _EPOCH_MAX:
                raise self.invalid(version, "epoch is too big")
            if not rest:
                raise self.invalid(version, "nothing after the epoch colon")
        upstream, hyphen, revision = rest.rpartition("-")
        if not hyphen:
            upstream, revision = rest, ""
        elif not revision:
            raise self.invalid(version, "revision is empty")
        if not upstream:
            raise self.invalid(version, "upstream version is empty")
        if not upstream[0].isascii() or not upstream[0].isdigit():
            raise self.invalid(version, "upstream version does not start with a digit")
        if not _UPSTREAM_CHARS.fullmatch(upstream):
            raise self.invalid(version, "invalid character in upstream version")
        if not _REVISION_CHARS.fullmatch(revision):
            raise self.invalid(version, "invalid character in revision")
        return (epoch, dpkg_part_key(upstream), dpkg_part_key(revision))
