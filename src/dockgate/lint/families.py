"""The registry hook for lint rule families: every family module is listed here once.

``dockgate rules`` (and anything else that needs every rule) calls :func:`all_family_rules`.
Each entry names a module and the function in it that returns that family's rules; a family
whose module cannot be imported (not installed, being written) is skipped and named in
``missing``, so one broken family never hides the others. To add a family, add one line.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from dockgate.lint.engine import Rule, all_rules

FAMILY_MODULES: tuple[tuple[str, str, str], ...] = (
    # (family label, module, function returning list[Rule])
    ("dockerfile", "dockgate.lint.dockerfile.runner", "all_dockerfile_rules"),
    ("k8s", "dockgate.lint.k8s.runner", "all_k8s_rules"),
)


@dataclass
class FamilyRules:
    rules: list[Rule] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "k8s (ImportError: ...)"


def all_family_rules() -> FamilyRules:
    """Every rule of every importable family (plus anything else registered), sorted by id."""
    found = FamilyRules()
    by_id: dict[str, Rule] = {}
    for label, module, function in FAMILY_MODULES:
        try:
            rules = getattr(importlib.import_module(module), function)()
        except (ImportError, AttributeError) as exc:
            found.missing.append(f"{label} ({type(exc).__name__}: {exc})")
            continue
        for rule in rules:
            by_id.setdefault(rule.id, rule)
    for rule in all_rules():  # rules registered by modules imported above or elsewhere
        by_id.setdefault(rule.id, rule)
    found.rules = sorted(by_id.values(), key=lambda r: (r.family, r.id))
    return found
