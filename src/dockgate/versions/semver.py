"""Semantic Versioning 2.0.0 precedence, for the OSV "SEMVER" and "npm" ecosystems.

MAJOR.MINOR.PATCH compare numerically; a pre-release sorts below its release; pre-release
identifiers compare left to right, numeric ones as integers and below alphanumeric ones,
which compare in ASCII order; a shorter identifier list sorts first when all else is equal.
Build metadata is validated and ignored. The npm comparator also accepts the leading "v"
and "=" that node-semver tolerates, and surrounding whitespace.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from dockgate.versions.base import KeyedComparator

_NUMBER = r"(?:0|[1-9][0-9]*)"
_IDENTIFIER = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
SEMVER_PATTERN = re.compile(
    rf"(?P<major>{_NUMBER})\.(?P<minor>{_NUMBER})\.(?P<patch>{_NUMBER})"
    rf"(?:-(?P<pre>{_IDENTIFIER}(?:\.{_IDENTIFIER})*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?",
    re.ASCII,
)
_NPM_PREFIX = re.compile(r"\s*=?\s*v?", re.ASCII)


class SemverParts(NamedTuple):
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...]
    build: tuple[str, ...]


def parse_semver(text: str) -> SemverParts | None:
    """The parts of a strict semver 2.0.0 string, or None when it is not one."""
    match = SEMVER_PATTERN.fullmatch(text)
    if match is None:
        return None
    pre = tuple(match["pre"].split(".")) if match["pre"] else ()
    build = tuple(match["build"].split(".")) if match["build"] else ()
    return SemverParts(int(match["major"]), int(match["minor"]), int(match["patch"]), pre, build)


def semver_key(parts: SemverParts) -> tuple:
    """Precedence key: build metadata is left out, a release sorts above its pre-releases."""
    if parts.prerelease:
        pre: tuple = (0, tuple(
            (0, int(ident), "") if ident.isdigit() else (1, 0, ident) for ident in parts.prerelease
        ))
    else:
        pre = (1, ())
    return (parts.major, parts.minor, parts.patch, pre)


class SemverComparator(KeyedComparator):
    """Strict semver 2.0.0 (OSV "SEMVER")."""

    name = "SEMVER"

    def _normalize(self, version: str) -> str:
        return version

    def _parse(self, version: str) -> tuple:
        parts = parse_semver(self._normalize(version))
        if parts is None:
            raise self.invalid(version, "not a semantic version MAJOR.MINOR.PATCH[-pre][+build]")
        return semver_key(parts)


class NpmComparator(SemverComparator):
    """node-semver's precedence: semver 2.0.0 with a tolerated leading "v" or "="."""

    name = "npm"

    def _normalize(self, version: str) -> str:
        prefix = _NPM_PREFIX.match(version)
        start = prefix.end() if prefix else 0
        return version[start:].rstrip()
