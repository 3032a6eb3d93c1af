"""Match packages to advisories: group by ecosystem, one indexed lookup per batch of names,
evaluate each affected entry with the ecosystem's comparator, merge aliases per package."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Iterable, Sequence

import orjson

from dockgate.catalog.package import OSInfo, Package
from dockgate.match.model import MatchReport, Unmatched, VulnFinding
from dockgate.match.ranges import EntryEvaluator
from dockgate.match.severity import Assessment, assess
from dockgate.severity import Severity
from dockgate.match.targets import Lookup, NotMatchable, lookup_for
from dockgate.vulndb.store import Advisory, VulnDatabase


class _Hit:
    __slots__ = ("advisory_id", "fixed", "severity")

    def __init__(self, advisory_id: str, fixed: list[str], severity: bytes | None) -> None:
        self.advisory_id = advisory_id
        self.fixed = fixed
        self.severity = severity


def match_packages(packages: Sequence[Package], os_info: OSInfo, database: VulnDatabase) -> MatchReport:
    report = MatchReport()
    lookups: dict[str, dict[str, list[tuple[Package, Lookup]]]] = defaultdict(lambda: defaultdict(list))
    for package in packages:
        try:
            lookup = lookup_for(package, os_info)
        except NotMatchable as exc:
            report.unmatched.append(Unmatched(package, str(exc)))
            if "version" in str(exc):
                report.warnings.append(f"{package.type} package {package.name} {package.version!r} not matched: {exc}")
            continue
        lookups[lookup.ecosystem][lookup.name].append((package, lookup))
        if lookup.name == "stdlib" and package.type == "go-stdlib":
            # the Go vulnerability database files cmd/go and linker issues under "toolchain"
            toolchain = Lookup(lookup.ecosystem, "toolchain", lookup.version)
            lookups[lookup.ecosystem]["toolchain"].append((package, toolchain))
    report.missing_sources = _missing_sources(lookups.keys(), database)
    hits: dict[int, tuple[Package, Lookup, list[_Hit]]] = {}
    problems: set[str] = set()
    for ecosystem, by_name in lookups.items():
        evaluator = EntryEvaluator(ecosystem)
        for entry in database.affected_for(ecosystem, by_name.keys()):
            ranges = orjson.loads(entry.ranges)
            for package, lookup in by_name[entry.name]:
                issues: list[str] = []
                listed = _listed(entry.versions, lookup.version)
                affected = listed or evaluator.affects(lookup.version, ranges, None, issues)
                problems.update(f"{entry.advisory_id}: {issue}" for issue in issues)
                if affected:
                    slot = hits.setdefault(id(package), (package, lookup, []))
                    slot[2].append(_Hit(entry.advisory_id, evaluator.fixed_versions(lookup.version, ranges), entry.severity))
    report.warnings.extend(sorted(problems))
    advisories = database.advisories({hit.advisory_id for _, _, found in hits.values() for hit in found})
    for package, lookup, found in hits.values():
        report.findings.extend(_merge(package, lookup, found, advisories))
    report.findings.sort(key=lambda f: (f.package.name.lower(), f.package.version, f.package.path, -int(f.severity), f.id))
    return report


def _listed(versions: bytes | None, version: str) -> bool:
    """Whether ``version`` is in the entry's explicit versions (JSON list decoded only on a hit)."""
    if not versions or orjson.dumps(version) not in versions:
        return False
    return version in orjson.loads(versions)


def _missing_sources(ecosystems: Iterable[str], database: VulnDatabase) -> list[str]:
    present = database.ecosystems()
    loaded_bases = {name.split(":", 1)[0] for name in present} | {s.source for s in database.status().sources}
    return sorted({eco.split(":", 1)[0] for eco in ecosystems} - loaded_bases)


def _groups(found: list[_Hit], advisories: dict[str, Advisory]) -> list[list[_Hit]]:
    """Advisories that share an id or alias (transitively) form one group."""
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
    seen: set[str] = set()
    for hit in found:
        if hit.advisory_id in seen:
            continue  # the same advisory matched through two affected entries
        seen.add(hit.advisory_id)
        grouped[root(hit.advisory_id)].append(hit)
    return list(grouped.values())


@lru_cache(maxsize=65536)
def _references(raw: bytes) -> tuple[str, ...]:
    return tuple(orjson.loads(raw))


@lru_cache(maxsize=65536)
def _assessment(vectors: bytes | None, severity_text: str | None) -> Assessment:
    """Scored once per distinct (vectors, text): the same advisory often hits many packages."""
    return assess(orjson.loads(vectors) if vectors else [], severity_text)


def _merge(package: Package, lookup: Lookup, found: list[_Hit], advisories: dict[str, Advisory]) -> list[VulnFinding]:
    findings = []
    for group in _groups(found, advisories):
        ids = tuple(sorted(hit.advisory_id for hit in group))
        aliases: set[str] = set()
        fixed: dict[str, None] = {}
        references: dict[str, None] = {}
        summary = ""
        best = Assessment(severity=Severity.UNKNOWN)
        for hit in group:
            advisory = advisories.get(hit.advisory_id)
            for value in hit.fixed:
                fixed.setdefault(value, None)
            if advisory is None:
                continue
            aliases.update(advisory.aliases)
            summary = summary or advisory.summary
            for url in _references(advisory.references):
                references.setdefault(url, None)
            candidate = _assessment(hit.severity or advisory.severity, advisory.severity_text)
            if (candidate.severity, candidate.score or 0.0) > (best.severity, best.score or 0.0):
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
                severity=best.severity,
                score=best.score,
                vector=best.vector,
                fixed_versions=tuple(fixed),
                references=tuple(references),
            )
        )
    return findings

