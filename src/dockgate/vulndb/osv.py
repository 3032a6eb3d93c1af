"""One OSV record (schema 1.x) checked and reduced to the rows the database stores.

Only what matching and reports need is kept: id, aliases, summary, severity vectors and the
record's own severity text, references, and per affected package its ranges (GIT ranges
dropped: they name commits, not package versions) and explicit versions. Withdrawn records
yield ``None``. Anything that is not a valid OSV record raises :class:`InvalidRecord`.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import orjson

from dockgate.errors import InputError

RANGE_TYPES = frozenset({"ECOSYSTEM", "SEMVER", "GIT"})
EVENT_CODES = {"introduced": "i", "fixed": "f", "last_affected": "l", "limit": "m"}
_PEP503 = re.compile(r"[-_.]+")


class InvalidRecord(InputError):
    """A file that is not a valid OSV record."""


def normalize_name(ecosystem: str, name: str) -> str:
    """The lookup name for a package: PEP 503 for PyPI, unchanged elsewhere."""
    if ecosystem == "PyPI":
        return _PEP503.sub("-", name).lower()
    return name


class AffectedRow(NamedTuple):
    ecosystem: str  # as written in the record, e.g. "Debian:12", "Alpine:v3.18", "PyPI"
    name: str  # normalised lookup name
    ranges: list[list[Any]]  # [[type, [(code, version), ...]], ...] with codes i/f/l/m
    versions: list[str] | None  # explicit versions, or None
    severity: bytes | None  # JSON [[type, score], ...] from affected[].severity, or None


class AdvisoryRow(NamedTuple):
    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: bytes | None  # JSON [[type, score], ...]
    severity_text: str | None  # database_specific.severity (e.g. "HIGH"), when present
    references: bytes  # JSON [url, ...]
    published: str
    modified: str
    affected: tuple[AffectedRow, ...]


def _fail(origin: str, reason: str) -> InvalidRecord:
    return InvalidRecord(f"{origin}: not a valid OSV record: {reason}")


def _text(value: Any, origin: str, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise _fail(origin, f"{what} must be a non-empty string")
    return value


def _severity(value: Any, origin: str) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise _fail(origin, "severity must be a list")
    pairs = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str) or not isinstance(entry.get("score"), str):
            raise _fail(origin, "severity entries need string type and score")
        pairs.append([entry["type"], entry["score"]])
    return orjson.dumps(pairs) if pairs else None


def _ranges(value: Any, origin: str) -> list[list[Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(origin, "affected[].ranges must be a list")
    kept: list[list[Any]] = []
    for rng in value:
        if not isinstance(rng, dict):
            raise _fail(origin, "a range must be an object")
        kind = rng.get("type")
        if kind not in RANGE_TYPES:
            raise _fail(origin, f"unknown range type {kind!r}")
        events = rng.get("events")
        if not isinstance(events, list) or not events:
            raise _fail(origin, "a range needs a non-empty events list")
        coded = []
        for event in events:
            if not isinstance(event, dict) or len(event) != 1:
                raise _fail(origin, "each range event must have exactly one key")
            ((field, version),) = event.items()
            code = EVENT_CODES.get(field)
            if code is None or not isinstance(version, str) or not version:
                raise _fail(origin, f"bad range event {field!r}")
            coded.append((code, version))
        if kind != "GIT":
            kept.append([kind, coded])
    return kept


def parse_record(raw: bytes | dict[str, Any], origin: str) -> AdvisoryRow | None:
    """Check one OSV record and reduce it to rows; ``None`` when withdrawn."""
    if isinstance(raw, dict):
        record: Any = raw
    else:
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise _fail(origin, f"invalid JSON ({exc})") from None
    if not isinstance(record, dict):
        raise _fail(origin, "top level must be an object")
    advisory_id = _text(record.get("id"), origin, "id")
    if record.get("withdrawn"):
        return None
    modified = _text(record.get("modified"), origin, "modified")
    aliases = record.get("aliases") or []
    if not isinstance(aliases, list) or not set(map(type, aliases)) <= {str}:
        raise _fail(origin, "aliases must be a list of strings")
    affected_in = record.get("affected") or []
    if not isinstance(affected_in, list):
        raise _fail(origin, "affected must be a list")
    affected: list[AffectedRow] = []
    for entry in affected_in:
        if not isinstance(entry, dict):
            raise _fail(origin, "affected entries must be objects")
        package = entry.get("package")
        if package is None:
            continue  # OSV allows entries without a package (e.g. commit-only); nothing to match
        if not isinstance(package, dict):
            raise _fail(origin, "affected[].package must be an object")
        ecosystem = _text(package.get("ecosystem"), origin, "affected[].package.ecosystem")
        name = _text(package.get("name"), origin, "affected[].package.name")
        ranges = _ranges(entry.get("ranges"), origin)
        versions = entry.get("versions")
        if versions is not None and (not isinstance(versions, list) or not set(map(type, versions)) <= {str}):
            raise _fail(origin, "affected[].versions must be a list of strings")
        affected.append(
            AffectedRow(
                ecosystem=ecosystem,
                name=normalize_name(ecosystem.split(":", 1)[0], name),
                ranges=ranges,
                versions=versions or None,
                severity=_severity(entry.get("severity"), origin),
            )
        )
    database_specific = record.get("database_specific")
    severity_text = database_specific.get("severity") if isinstance(database_specific, dict) else None
    references = record.get("references") or []
    urls = [ref["url"] for ref in references if isinstance(ref, dict) and isinstance(ref.get("url"), str)] if isinstance(references, list) else []
    summary = record.get("summary")
    published = record.get("published")
    return AdvisoryRow(
        id=advisory_id,
        aliases=tuple(aliases),
        summary=summary if isinstance(summary, str) else "",
        severity=_severity(record.get("severity"), origin),
        severity_text=severity_text if isinstance(severity_text, str) else None,
        references=orjson.dumps(urls),
        published=published if isinstance(published, str) else "",
        modified=modified,
        affected=tuple(affected),
    )
