"""OSV ``affected`` evaluation: explicit versions and ECOSYSTEM/SEMVER ranges, exactly as OSV.

Events of a range are sorted by version (``introduced: "0"`` first); walking them in order,
``introduced`` at or below the version turns it affected, ``fixed`` at or below it and
``last_affected`` strictly below it turn it unaffected. ``limit`` events cap the range: the
version must be below one of them. GIT ranges never reach here (dropped at ingest). The
common shapes (``introduced 0`` alone, or followed by one ``fixed``) take a shortcut with the
same result.
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
    if len(events) <= 2 and events[0][0] == "i" and events[0][1] == "0":
        if len(events) == 1:
            return True
        if events[1][0] == "f":
            return comparator.key(version) < comparator.key(events[1][1])
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


class EntryEvaluator:
    """Evaluates affected entries of one ecosystem; comparators looked up once."""

    def __init__(self, ecosystem: str) -> None:
        self.ecosystem = ecosystem
        self._ecosystem_comparator = comparator_for(ecosystem)
        self._semver = semver_comparator(ecosystem)

    def comparator(self, kind: str) -> Comparator:
        return self._semver if kind == "SEMVER" else self._ecosystem_comparator

    def affects(self, version: str, ranges: Sequence[Sequence[Any]], versions: Sequence[str] | None, problems: list[str]) -> bool:
        """Whether the entry covers ``version``; a range with an unparsable bound is skipped and
        named in ``problems``. The installed version itself must already be known parsable."""
        if versions and version in versions:
            return True
        for kind, events in ranges:
            try:
                if range_affects(self.comparator(kind), version, events):
                    return True
            except VersionError as exc:
                problems.append(str(exc))
        return False

    def fixed_versions(self, version: str, ranges: Sequence[Sequence[Any]]) -> list[str]:
        """The entry's ``fixed`` versions above the installed version, lowest first."""
        found: list[tuple[Any, str]] = []
        for kind, events in ranges:
            comparator = self.comparator(kind)
            try:
                current = comparator.key(version)
                for code, value in events:
                    if code == "f":
                        key = comparator.key(value)
                        if key > current:
                            found.append((key, value))
            except VersionError:
                continue
        ordered: dict[str, None] = {}
        for _, value in sorted(found, key=lambda item: item[0]):
            ordered.setdefault(value, None)
        return list(ordered)


def entry_affects(
    ecosystem: str, version: str, ranges: Sequence[Sequence[Any]], versions: Sequence[str] | None
) -> tuple[bool, list[str]]:
    """(affected?, problems) for one affected entry."""
    problems: list[str] = []
    return EntryEvaluator(ecosystem).affects(version, ranges, versions, problems), problems


def fixed_versions(ecosystem: str, version: str, ranges: Sequence[Sequence[Any]]) -> list[str]:
    return EntryEvaluator(ecosystem).fixed_versions(version, ranges)
