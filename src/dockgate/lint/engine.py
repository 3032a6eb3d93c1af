"""The shared rule engine: rule metadata, findings, selection and inline suppression.

A rule is data (id, title, severity, rationale, fix hint) plus a small check function
registered by its family module (``lint/dockerfile_rules.py``, ``lint/k8s_*.py``...).
``--select``/``--ignore`` take rule ids or id prefixes, as ruff does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from dockgate.severity import Severity


@dataclass(frozen=True)
class Rule:
    id: str  # stable, e.g. "DG-DF-001", "pss-privileged"
    title: str
    severity: Severity
    rationale: str
    fix: str
    family: str  # "dockerfile", "k8s", "pss", "secret"...
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None


@dataclass
class Finding:
    rule: Rule
    message: str
    location: Location
    obj: str | None = None  # e.g. "Deployment/default/my-app" or "stage build"
    field_path: str | None = None  # e.g. "spec.template.spec.containers[0].securityContext"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def severity(self) -> Severity:
        return self.rule.severity


_REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    existing = _REGISTRY.get(rule.id)
    if existing is not None and existing != rule:
        raise ValueError(f"rule id {rule.id} registered twice with different metadata")
    _REGISTRY[rule.id] = rule
    return rule


def all_rules() -> list[Rule]:
    return sorted(_REGISTRY.values(), key=lambda r: r.id)


@dataclass(frozen=True)
class Selection:
    """Which rules run: ids or prefixes, case-insensitive, ruff style."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def parse(cls, select: str | Iterable[str] | None, ignore: str | Iterable[str] | None) -> "Selection":
        return cls(_split(select), _split(ignore))

    def enabled(self, rule: Rule) -> bool:
        keys = (rule.id.lower(), rule.family.lower(), *(t.lower() for t in rule.tags))
        if self.select and not any(k.startswith(p) for p in self.select for k in keys):
            return False
        return not any(k.startswith(p) for p in self.ignore for k in keys)


def _split(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else [p for v in value for p in v.split(",")]
    return tuple(p.strip().lower() for p in parts if p.strip())


# Inline suppression: "# dockgate:ignore RULE-ID[,RULE-ID] reason text"
SUPPRESS_RE = re.compile(r"#\s*dockgate:\s*ignore\s+([A-Za-z0-9_,.\-]+)(?:\s+(.*))?$")


def parse_suppression(comment_line: str) -> tuple[tuple[str, ...], str] | None:
    """Return (rule ids, reason) when the line carries an inline suppression comment."""
    match = SUPPRESS_RE.search(comment_line)
    if not match:
        return None
    ids = tuple(i.strip().lower() for i in match.group(1).split(",") if i.strip())
    return ids, (match.group(2) or "").strip()
