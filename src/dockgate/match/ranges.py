"""OSV ``affected`` evaluation: explicit versions and ECOSYSTEM/SEMVER ranges, exactly as OSV.

Events of a range are sorted by version (``introduced: "0"`` first); walking them in order,
``introduced`` at or below the version turns it affected, ``fixed`` at or below it and
``last_affected`` strictly below it turn it unaffected. ``limit`` events cap the range: the
version must be below one of them. GIT ranges never reach here (dropped at ingest).
"""

from __future__ import annotations

from typing import Any, Sequence

from dockgate.versions import Comparator, VersionError, comparator_for

_BOTTOM = (0,)


def semver_comparator(ecosystem: str) -> Comparator:
    """The comparator for SEMVER ranges: Go's (accepts a "v" prefix) for Go, plain SEMVER elsewhere."""
    return comparator_for("Go" if ecosystem.split(":", 1)[0] == "Go" else "SEMVER")


def _event_key(comparator: Comparator, code: str, version: str) -> tuple:
    if code == "i" and version == "0":
        return _BOTTOM
    return (1, comparator.key(version))


def range_affects(comparator: Comparator, version: str, events: Sequence[Sequence[str]]) -> bool:
    """Whether ``version`` lies inside one OSV range given as [[code, version], ...]."""
    target = (1, comparator.key(version))
    ordered = sorted((_event_key(comparator, code, value), code) for code, value in events)
    limits = [key for key, code in ordered if code == "m"]
    if limits and not any(target < key for key in limits):
        return False
    affected = False
    for key, code in ordered:
        if code == "i":
            if target >= key:
                affected = True
        elif code == "f":
            if target >= key:
                affected = False
        elif code == "l":
            if target > key:
                affected = False
    return affected


def entry_affects(
    ecosystem: str, version: str, ranges: Sequence[Sequence[Any]], versions: Sequence[str] | None
) -> tuple[bool, list[str]]:
    """(affected?, problems) for one affected entry; a range with an unparsable bound is skipped
    and named in ``problems``. The installed version itself must already be known parsable."""
    problems: list[str] = []
    if versions and version in versions:
        return True, problems
    for kind, events in ranges:
        comparator = semver_comparator(ecosystem) if kind == "SEMVER" else comparator_for(ecosystem)
        try:
            if range_affects(comparator, version, events):
                return True, problems
        except VersionError as exc:
            problems.append(str(exc))
    return False, problems


def fixed_versions(ecosystem: str, version: str, ranges: Sequence[Sequence[Any]]) -> list[str]:
    """The ``fixed`` versions of an entry above the installed version, lowest first."""
    found: list[tuple[Any, str]] = []
    for kind, events in ranges:
        comparator = semver_comparator(ecosystem) if kind == "SEMVER" else comparator_for(ecosystem)
        try:
            current = comparator.key(version)
            for code, value in events:
                if code == "f":
                    key = comparator.key(value)
                    if key > current:
                        found.append((key, value))
        except VersionError:
            continue
    seen: dict[str, None] = {}
    for _, value in sorted(found, key=lambda item: item[0]):
        seen.setdefault(value, None)
    return list(seen)
