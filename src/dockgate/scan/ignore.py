"""The ignore file (``.dockgateignore``, YAML): which findings the team has accepted, and until when.

Either a list of entries or a mapping with an ``ignore:`` list. Each entry: ``id`` (advisory
id or alias, required), ``package`` (optional: only that package name), ``reason`` (required),
``expires`` (optional date, YYYY-MM-DD). An entry past its date no longer ignores anything and
is reported as expired.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from dockgate.errors import InputError

MAX_IGNORE_BYTES = 4 << 20


@dataclass(frozen=True)
class IgnoreRule:
    id: str
    reason: str
    package: str | None = None
    expires: datetime.date | None = None

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and today > self.expires

    def covers(self, identifiers: frozenset[str], package_names: set[str]) -> bool:
        if self.id.upper() not in {i.upper() for i in identifiers}:
            return False
        return self.package is None or self.package.lower() in {n.lower() for n in package_names}


def _date(value: object, where: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"{where}: expires must be a date like 2026-12-31, got {value!r}")


def load_ignore_file(path: Path) -> list[IgnoreRule]:
    import yaml  # only when an ignore file exists

    try:
        size = path.stat().st_size
        if size > MAX_IGNORE_BYTES:
            raise InputError(f"{path}: ignore file of {size} bytes is too large")
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if document is None:
        return []
    if isinstance(document, dict):
        document = document.get("ignore", [])
    if not isinstance(document, list):
        raise InputError(f"{path}: expected a list of entries (id, package, reason, expires)")
    rules = []
    for number, entry in enumerate(document, 1):
        where = f"{path} entry {number}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: each entry must be a mapping with id and reason")
        unknown = set(entry) - {"id", "package", "reason", "expires"}
        if unknown:
            raise InputError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        advisory = entry.get("id")
        reason = entry.get("reason")
        if not isinstance(advisory, str) or not advisory.strip():
            raise InputError(f"{where}: id must be an advisory id such as CVE-2024-1234")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f"{where}: reason is required")
        package = entry.get("package")
        if package is not None and not isinstance(package, str):
            raise InputError(f"{where}: package must be a name")
        expires = _date(entry["expires"], where) if entry.get("expires") is not None else None
        rules.append(IgnoreRule(advisory.strip(), reason.strip(), package, expires))
    return rules
