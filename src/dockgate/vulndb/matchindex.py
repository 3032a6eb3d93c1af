"""The match index: every affected entry of one package, compiled when the database is built.

A scan looks a package up by (ecosystem, name) and gets one row holding all its advisories.
The row lists the distinct versions named by its range events, per ordering (``"E"``: the
ecosystem's, ``"S"``: SEMVER ranges), sorted, each with its order-preserving key
(:mod:`dockgate.versions.sortkey`). Each OSV range is reduced to its exact meaning: the ranks of
its bounds in that list and the affected state of every region the bounds cut the version line
into. Deciding whether an installed version is affected is then one binary search of the row's
keys (or a dictionary hit when the installed version is itself one of the listed versions, as a
fixed version often is), a binary search of small ints and one character test per range; no
advisory version is parsed at scan time.

The region states follow OSV's evaluation exactly: events sorted by version (``introduced: "0"``
lowest; on equal versions by event code), walked in order, where ``introduced`` and ``fixed``
apply at or above their version and ``last_affected`` strictly above it; ``limit`` events cap
the range (the version must be below one of them).

Ranks: ``introduced: "0"`` has rank 0; the version at index ``b`` of the row's list has rank
``2b + 2``; an installed version has rank ``2p + 2`` when it equals entry ``p`` and ``2p + 1``
when it sorts just below entry ``p``. Row layout (JSON)::

    {"v": {kind: [[key, version], ...]},
     "e": [[advisory_id, versions | null, [range, ...], assessment | null], ...]}

with a range ``[kind, bound_ranks, states, [[index, fixed_version], ...]]``, or ``[kind, null, error, []]``
when one of its versions cannot be parsed (reported when a package reaches it).
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from operator import itemgetter
from typing import Any, Sequence

from dockgate.versions import Comparator, VersionError, comparator_for

ECOSYSTEM_KIND = "E"
SEMVER_KIND = "S"
BOTTOM_RANK = 0


def range_comparators(ecosystem: str) -> dict[str, Comparator]:
    """The ordering of each range kind of an ecosystem: its own for ECOSYSTEM ranges; for SEMVER
    ranges Go's (accepts a "v" prefix) in Go, plain SEMVER elsewhere. Raises UnknownEcosystem."""
    semver = "Go" if ecosystem.split(":", 1)[0] == "Go" else "SEMVER"
    return {ECOSYSTEM_KIND: comparator_for(ecosystem), SEMVER_KIND: comparator_for(semver)}


def bound_rank(position: int) -> int:
    """The rank of the row's version at ``position``; versions between two listed ones take the odd
    rank just below, and ``introduced: "0"`` takes BOTTOM_RANK."""
    return 2 * position + 2


@lru_cache(maxsize=8192)
def _compiled_shape(ordered: tuple[tuple[int, str], ...]) -> tuple[tuple[int, ...], str]:
    """(bounds, region states) of a range given as sorted (rank, code) pairs.

    States are '1'/'0' per region: below bounds[0], at bounds[0], between bounds[0] and
    bounds[1]... One pass over the events, so a hostile range of many events stays linear:
    at a bound, the events below it and its own ``introduced``/``fixed`` events apply; just
    above it, its ``last_affected`` events apply too. A region at or above every ``limit`` is
    unaffected. Most ranges share a few shapes (introduced then fixed...), hence the cache."""
    limits = [rank for rank, code in ordered if code == "m"]
    ceiling = max(limits) if limits else None
    bounds: list[int] = []
    states = ["0"]  # below every bound no event applies yet
    state = False
    index = 0
    while index < len(ordered):
        bound = ordered[index][0]
        at_bound = after = state
        while index < len(ordered) and ordered[index][0] == bound:
            code = ordered[index][1]
            if code == "i":
                at_bound = after = True
            elif code == "f":
                at_bound = after = False
            elif code == "l":
                after = False
            index += 1
        capped = ceiling is not None and bound >= ceiling
        bounds.append(bound)
        states.append("1" if at_bound and not capped else "0")
        states.append("1" if after and not capped else "0")
        state = after
    return tuple(bounds), "".join(states)


class RowBuilder:
    """Compiles the affected entries of one (ecosystem, name) into a match-index row."""

    def __init__(self, ecosystem: str, comparators: dict[str, Comparator] | None = None) -> None:
        self.ecosystem = ecosystem
        self._comparators = comparators or range_comparators(ecosystem)
        self._keys: dict[str, dict[str, str]] = {ECOSYSTEM_KIND: {}, SEMVER_KIND: {}}
        self._pending: list[tuple[str, list[Any]]] = []  # ranges to rank once every key is known
        self.entries: list[list[Any]] = []

    def add(self, advisory_id: str, ranges: Sequence[Sequence[Any]], versions: list[str] | None, assessment: list[Any] | None) -> None:
        compiled = []
        for range_type, events in ranges:
            kind = SEMVER_KIND if range_type == "SEMVER" else ECOSYSTEM_KIND
            keys = self._keys[kind]
            sort_key = self._comparators[kind].sort_key
            try:
                for code, version in events:
                    if version not in keys and (code != "i" or version != "0"):
                        keys[version] = sort_key(version)
            except VersionError as exc:
                compiled.append([kind, None, str(exc), []])
                continue
            item: list[Any] = [kind, events]
            compiled.append(item)
            self._pending.append((kind, item))
        self.entries.append([advisory_id, versions, compiled, assessment])

    def row(self) -> dict[str, Any]:
        """The finished row: distinct keys sorted (one spelling each), ranges as ranks and states."""
        listed: dict[str, list[tuple[str, str]]] = {}
        index: dict[str, dict[str, int]] = {}
        for kind, keys in self._keys.items():
            spelling: dict[str, str] = {}
            for version, key in keys.items():
                spelling.setdefault(key, version)
            ordered = sorted(spelling)
            position = {key: number for number, key in enumerate(ordered)}
            listed[kind] = [(key, spelling[key]) for key in ordered]
            index[kind] = {version: position[key] for version, key in keys.items()}
        for kind, item in self._pending:
            positions = index[kind]
            ranked = []
            fixed = []
            for code, version in item[1]:
                if code == "i" and version == "0":
                    ranked.append((BOTTOM_RANK, code))
                    continue
                number = positions[version]
                ranked.append((bound_rank(number), code))
                if code == "f":
                    fixed.append((number, version))
            ranked.sort()
            bounds, states = _compiled_shape(tuple(ranked))
            item[1:] = [bounds, states, sorted(set(fixed)) if len(fixed) > 1 else fixed]
        return {"v": {kind: pairs for kind, pairs in listed.items() if pairs}, "e": self.entries}


def installed_rank(pairs: list[list[str]], position: dict[str, int], version: str, key: str | None) -> int:
    """The rank of an installed version among a row's sorted [key, version] pairs.

    ``position`` maps the row's versions to their index; ``key`` (the version's sort key) is
    needed only when the version is not among them."""
    found = position.get(version)
    if found is not None:
        return bound_rank(found)
    if key is None:
        raise ValueError("the sort key is needed for a version the row does not list")
    low = bisect_left(pairs, key, key=itemgetter(0))
    if low < len(pairs) and pairs[low][0] == key:
        return bound_rank(low)  # the same version spelled differently ("1.0" and "1.0.0" in PyPI)
    return bound_rank(low) - 1


def in_range(bounds: list[int], states: str, rank: int) -> bool:
    """Whether the installed version of rank ``rank`` is affected by a compiled range."""
    index = bisect_left(bounds, rank)
    if index < len(bounds) and bounds[index] == rank:
        return states[2 * index + 1] == "1"
    return states[2 * index] == "1"
