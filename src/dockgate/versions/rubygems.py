"""RubyGems version ordering (Gem::Version).

A version is digits followed by dot-separated alphanumeric parts and an optional
hyphenated pre-release; each "-" stands for ".pre.". The segments are the runs of digits
(numbers) and letters (strings); a string segment marks a pre-release and sorts below any
number. Trailing zeros are dropped from the release part and from the pre-release part,
then segments compare left to right with the shorter side padded with zeros. "-" always
stands for ".pre." (RubyGems' long-standing rule). An empty or blank string, which RubyGems
reads as "0", is refused as in every other comparator.

Because the padding is zero, each key element carries the side of zero on which the rest of
the version falls (its "tail sign": -1 when the next non-zero segment is a string, +1 when
it is a number); the end of the version is ``(0,)``, between the two.
"""

from __future__ import annotations

import re

from dockgate.versions.base import KeyedComparator

_PATTERN = re.compile(
    r"[ \t\r\n\f\v]*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)[ \t\r\n\f\v]*",
    re.ASCII,
)
_SEGMENTS = re.compile(r"[0-9]+|[a-zA-Z]+", re.ASCII)

Segment = int | str


def canonical_segments(version: str) -> list[Segment]:
    """Gem::Version's canonical segments of a valid version string."""
    segments: list[Segment] = [
        int(part) if part.isdigit() else part for part in _SEGMENTS.findall(version.replace("-", ".pre."))
    ]
    first_string = next((i for i, part in enumerate(segments) if isinstance(part, str)), len(segments))
    release, prerelease = segments[:first_string], segments[first_string:]
    while release and release[-1] == 0:
        release.pop()
    while prerelease and prerelease[-1] == 0:
        prerelease.pop()
    return release + prerelease


def _element(segment: Segment) -> tuple[int, int, str]:
    return (0, 0, segment) if isinstance(segment, str) else (1, segment, "")


def rubygems_key(segments: list[Segment]) -> tuple:
    elements = []
    tail = 0
    for segment in reversed(segments):
        if isinstance(segment, str):
            tail = -1
        elif segment:
            tail = 1
        elements.append((tail, _element(segment)))
    elements.reverse()
    elements.append((0,))
    return tuple(elements)


class RubyGemsComparator(KeyedComparator):
    name = "RubyGems"

    def _parse(self, version: str) -> tuple:
        match = _PATTERN.fullmatch(version)
        if match is None:
            raise self.invalid(version, "malformed version number string")
        return rubygems_key(canonical_segments(match.group(1)))
