"""RPM version ordering: ``[epoch:]version[-release]`` compared with rpmvercmp.

rpmvercmp splits a string into alphabetic and numeric segments, ignoring every other ASCII
character as a separator. ``~`` sorts before anything (even the end of the string), ``^``
sorts after the end but before any further segment, numeric segments sort above alphabetic
ones and compare as integers, alphabetic ones compare as byte strings. Epoch compares
numerically (absent means 0). A missing release sorts below any release, which makes the
order total (rpm itself skips the release when either side lacks one).
"""

from __future__ import annotations

import re

from dockgate.versions.base import KeyedComparator

_SEGMENTS = re.compile(r"(~)|(\^)|([0-9]+)|([A-Za-z]+)|[^A-Za-z0-9~^]+", re.ASCII)
_PRINTABLE_ASCII = re.compile(r"[!-~]+", re.ASCII)

_TILDE = (0,)
_END = (1,)
_CARET = (2,)
_ALPHA = 3
_NUMERIC = 4

Segment = tuple[int] | tuple[int, str] | tuple[int, int]


def rpmvercmp_key(text: str) -> tuple[Segment, ...]:
    """Sort key of one version or release string under rpmvercmp."""
    segments: list[Segment] = []
    for match in _SEGMENTS.finditer(text):
        tilde, caret, number, letters = match.groups()
        if tilde:
            segments.append(_TILDE)
        elif caret:
            segments.append(_CARET)
        elif number:
            segments.append((_NUMERIC, int(number)))
        elif letters:
            segments.append((_ALPHA, letters))
    segments.append(_END)
    return tuple(segments)


class RpmComparator(KeyedComparator):
    """rpm ordering; instantiate with the distribution's OSV name (e.g. "Red Hat")."""

    name = "Red Hat"

    def _parse(self, version: str) -> tuple[int, tuple[Segment, ...], tuple[Segment, ...]]:
        if not _PRINTABLE_ASCII.fullmatch(version):
            raise self.invalid(version, "contains whitespace, control or non-ASCII characters")
        epoch = 0
        rest = version
        digits = len(version) - len(version.lstrip("0123456789"))
        if version[digits:digits + 1] == ":":
            epoch = int(version[:digits]) if digits else 0
            rest = version[digits + 1:]
        upstream, hyphen, release = rest.rpartition("-")
        if not hyphen:
            upstream, release = rest, None
        if not upstream:
            raise self.invalid(version, "version part is empty")
        if release == "":
            raise self.invalid(version, "release is empty")
        release_key = rpmvercmp_key(release) if release is not None else ()
        return (epoch, rpmvercmp_key(upstream), release_key)
