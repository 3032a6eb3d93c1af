"""Match packages to advisories: one match-index row per package name (indexed lookups, in
batches), each compiled range decided by a binary search on order-preserving keys, aliases
merged per package.

A package's version is parsed only when a row exists for its name and the version is not one
of the row's own event versions (whose keys the database already holds). A version the
ecosystem cannot parse makes the package unmatched, with a warning, never silently dropped.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Sequence

import orjson

from dockgate.catalog.package import OSInfo, Package
from dockgate.match.model import MatchReport, Unmatched, VulnFinding
from dockgate.match.targets import Lookup, NotMatchable, lookups_for
from dockgate.severity import LEVELS, Severity
from dockgate.versions import Comparator, VersionError, comparator_for
from dockgate.vulndb.matchindex import ECOSYSTEM_KIND, bound_rank, in_range, installed_rank, range_comparators
from dockgate.vulndb.store import Advisory, VulnDatabase



class _Hit:
    __slots__ = ("advisory_id", "fixed", "assessment", "lookup")

    def __init__(self, advisory_id: str, fixed: list[tuple[int, str]], assessment: list[Any] | None) -> None:
        self.lookup: Lookup | None = None  # set by the caller: which (ecosystem, name) it was found under
        self.advisory_id = advisory_id
        self.fixed = fixed  # (position in the row's ordering, version) of fixed versions above the installed one
        self.assessment = assessment  # [level, score, vector] of the affected entry, if it has its own


class _Row:
    """One match-index row, with the version -> position maps built when first needed."""

    __slots__ = ("listed", "entries", "_positions")

    def __init__(self, raw: bytes) -> None:
        data = orjson.loads(raw)  # ValueError (JSONDecodeError), TypeError or KeyError when damaged
        self.listed: dict[str, list[list[str]]] = data["v"]
        self.entries: list[list[Any]] = data["e"]
        if not isinstance(self.listed, dict) or not isinstance(self.entries, list):
            raise TypeError("not a match-index row")
        self._positions: dict[str, dict[str, int]] = {}

    def position(self, kind: str) -> dict[str, int]:
        found = self._positions.get(kind)
        if found is None:
            found = self._positions[kind] = {pair[1]: number for number, pair in enumerate(self.listed.get(kind, ()))}
        return found


class _Unparsable(Exception):
    """The installed version cannot be parsed by the ecosystem's rules."""


def match_packages(packages: Sequence[Package], os_info: OSInfo, database: VulnDatabase) -> MatchReport:
    report = MatchReport()
    lookups: dict[str, dict[str, list[tuple[Package, Lookup]]]] = defaultdict(lambda: defaultdict(list))
    for package in packages:
        try:
            for lookup in lookups_for(package, os_info):
                lookups[lookup.ecosystem][lookup.name].append((package, lookup))
        except NotMatchable as exc:
            _unmatched(report, package, str(exc))
    report.missing_sources = _missing_sources(lookups.keys(), database)
    hits: dict[int, tuple[Package, list[_Hit]]] = {}
    problems: set[str] = set()
    failed: set[int] = set()
    for ecosystem, by_name in lookups.items():
        comparators = range_comparators(ecosystem)
        for name, raw in database.match_rows(ecosystem, by_name.keys()):
            try:
                row = _Row(raw)
            except (ValueError, TypeError, KeyError):
                raise database.corrupt(f"match index row for {ecosystem} {name[:80]!r}") from None
            for package, lookup in by_name[name]:
                if id(package) in failed:
                    continue
                try:
                    found = _evaluate(row, lookup.version, comparators, problems)
                except _Unparsable as exc:
                    failed.add(id(package))
                    _unmatched(report, package, str(exc))
                    continue
                except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                    raise database.corrupt(f"match index row for {ecosystem} {name[:80]!r}") from None
                if found:
                    for hit in found:
                        hit.lookup = lookup
                    hits.setdefault(id(package), (package, []))[1].extend(found)
    report.warnings.extend(sorted(problems))
    if report.unmatched:  # in the packages' order, whichever step found them unmatchable
        order = {id(package): index for index, package in enumerate(packages)}
        report.unmatched.sort(key=lambda u: order.get(id(u.package), 0))
    advisories = database.advisories({hit.advisory_id for package, found in hits.values() if id(package) not in failed for hit in found})
    for package, found in hits.values():
        if id(package) not in failed:
            report.findings.extend(_merge(package, found, advisories))
    report.findings.sort(key=lambda f: (f.package.name.lower(), f.package.version, f.package.path, -f.severity, f.id))
    return report


def _unmatched(report: MatchReport, package: Package, reason: str) -> None:
    report.unmatched.append(Unmatched(package, reason))
    if "version" in reason:
        report.warnings.append(f"{package.type} package {package.name} {package.version!r} not matched: {reason}")


def _rank(row: _Row, kind: str, version: str, comparator: Comparator) -> int:
    """The installed version's rank among the row's versions of one ordering (VersionError if unparsable)."""
    position = row.position(kind)
    key = None if version in position else comparator.sort_key(version)
    return installed_rank(row.listed.get(kind, []), position, version, key)


def _evaluate(row: _Row, version: str, comparators: dict[str, Comparator], problems: set[str]) -> list[_Hit]:
    """The entries of one match-index row that cover ``version``."""
    try:  # the installed version must parse, whatever the row's ranges are
        ranks: dict[str, int | None] = {ECOSYSTEM_KIND: _rank(row, ECOSYSTEM_KIND, version, comparators[ECOSYSTEM_KIND])}
    except VersionError as exc:
        raise _Unparsable(str(exc)) from None
    found = []
    for advisory_id, versions, ranges, assessment in row.entries:
        affected = versions is not None and version in versions
        fixed: list[tuple[int, str]] = []
        for kind, bounds, states, fixed_at in ranges:
            if bounds is None:  # a version of this range could not be parsed when the database was built
                if not affected:
                    problems.add(f"{advisory_id}: {states}")
                continue
            if kind in ranks:
                rank = ranks[kind]
            else:
                try:
                    rank = ranks[kind] = _rank(row, kind, version, comparators[kind])
                except VersionError as exc:
                    problems.add(f"{advisory_id}: {exc}")
                    rank = ranks[kind] = None
            if rank is None:
                continue
            if not affected and in_range(bounds, states, rank):
                affected = True
            for index, value in fixed_at:
                if bound_rank(index) > rank:
                    fixed.append((index, value))
        if affected:
            found.append(_Hit(advisory_id, fixed, assessment))
    return found


def _missing_sources(ecosystems: Iterable[str], database: VulnDatabase) -> list[str]:
    present = database.ecosystems()
    loaded_bases = {name.split(":", 1)[0] for name in present} | {s.source for s in database.status().sources}
    return sorted({eco.split(":", 1)[0] for eco in ecosystems} - loaded_bases)


def _groups(found: list[_Hit], advisories: dict[str, Advisory]) -> list[list[_Hit]]:
    """Advisories that share an id or alias (transitively) form one group."""
    if len(found) == 1:
        return [found]
    parent: dict[str, str] = {}

    def root(token: str) -> str:
        while parent.setdefault(token, token) != token:
            parent[token] = parent[parent[token]]
            token = parent[token]
        return token

    for hit in found:
        advisory = advisories.get(hit.advisory_id)
        for alias in advisory.aliases if advisory else ():
            parent[root(alias)] = root(hit.advisory_id)
        root(hit.advisory_id)
    grouped: dict[str, list[_Hit]] = defaultdict(list)
    for hit in found:  # one advisory found through two entries or lookups stays one finding
        grouped[root(hit.advisory_id)].append(hit)
    return list(grouped.values())


_REFERENCES: dict[bytes, tuple[str, ...]] = {}


def _references(raw: bytes) -> tuple[str, ...]:
    """Decoded (duplicates dropped) once per distinct list: an advisory often hits many packages."""
    found = _REFERENCES.get(raw)
    if found is None:
        found = _REFERENCES[raw] = tuple(dict.fromkeys(orjson.loads(raw)))
    return found


def _fixed_versions(fixed: list[tuple[int, str]]) -> tuple[str, ...]:
    """Fixed versions lowest first, each once."""
    if len(fixed) <= 1:
        return (fixed[0][1],) if fixed else ()
    return tuple(dict.fromkeys(value for _, value in sorted(fixed)))


def _single(package: Package, hit: _Hit, advisory: Advisory | None) -> VulnFinding:
    """The finding of one advisory alone (the common case): its own lists, nothing to merge."""
    lookup = hit.lookup
    assert lookup is not None
    if hit.assessment is not None:
        severity, score, vector = LEVELS[hit.assessment[0]], hit.assessment[1], hit.assessment[2]
    elif advisory is not None:
        severity, score, vector = advisory.severity, advisory.score, advisory.vector
    else:
        severity, score, vector = Severity.UNKNOWN, None, None
    return VulnFinding(
        package=package,
        ecosystem=lookup.ecosystem,
        lookup_name=lookup.name,
        lookup_version=lookup.version,
        id=hit.advisory_id,
        ids=(hit.advisory_id,),
        aliases=tuple(sorted(set(advisory.aliases) - {hit.advisory_id})) if advisory is not None else (),
        summary=advisory.summary if advisory is not None else "",
        severity=severity,
        score=score,
        vector=vector,
        fixed_versions=_fixed_versions(hit.fixed),
        references=_references(advisory.references) if advisory is not None else (),
    )


def _in_version_order(lookup: Lookup, fixed: list[tuple[int, str]]) -> tuple[str, ...]:
    """Fixed versions found through several entries or rows, lowest first, each once."""
    versions = list(dict.fromkeys(value for _, value in fixed))
    try:
        return tuple(sorted(versions, key=comparator_for(lookup.ecosystem).sort_key))
    except VersionError:  # a SEMVER-range bound the ecosystem ordering cannot read: keep row order
        return _fixed_versions(fixed)


def _merge(package: Package, found: list[_Hit], advisories: dict[str, Advisory]) -> list[VulnFinding]:
    findings = []
    for group in _groups(found, advisories):
        if len(group) == 1:
            findings.append(_single(package, group[0], advisories.get(group[0].advisory_id)))
            continue
        lookup = group[0].lookup
        assert lookup is not None
        ids = tuple(sorted({hit.advisory_id for hit in group}))
        aliases: set[str] = set()
        fixed: list[tuple[int, str]] = []
        references: dict[str, None] = {}
        summary = ""
        best: tuple[Severity, float | None, str | None] = (Severity.UNKNOWN, None, None)
        seen: set[str] = set()
        for hit in group:
            fixed.extend(hit.fixed)
            if hit.advisory_id in seen:
                continue  # the same advisory again, through another entry or lookup: only its fixes add
            seen.add(hit.advisory_id)
            advisory = advisories.get(hit.advisory_id)
            if advisory is None:
                continue
            aliases.update(advisory.aliases)
            summary = summary or advisory.summary
            for url in _references(advisory.references):
                references.setdefault(url, None)
            if hit.assessment is not None:
                candidate = (LEVELS[hit.assessment[0]], hit.assessment[1], hit.assessment[2])
            else:
                candidate = (advisory.severity, advisory.score, advisory.vector)
            if (candidate[0], candidate[1] or 0.0) > (best[0], best[1] or 0.0):
                best = candidate
        findings.append(
            VulnFinding(
                package=package,
                ecosystem=lookup.ecosystem,
                lookup_name=lookup.name,
                lookup_version=lookup.version,
                id=ids[0],
                ids=ids,
                aliases=tuple(sorted(aliases - set(ids))),
                summary=summary,
                severity=best[0],
                score=best[1],
                vector=best[2],
                fixed_versions=_in_version_order(lookup, fixed),
                references=tuple(references),
            )
        )
    return findings
