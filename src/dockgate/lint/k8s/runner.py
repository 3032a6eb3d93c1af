"""Run every selected Kubernetes rule family over all objects; apply inline suppression.

A finding is suppressed by a ``# dockgate:ignore RULE-ID reason`` comment on its line, in
the block of comment lines directly above it, or in the comment block directly above the
object it belongs to. Rule ids in the comment match as prefixes, like ``--select``.
"""

from __future__ import annotations

from typing import Callable, Iterable, Protocol

from dockgate.lint.engine import Finding, Rule, parse_suppression
from dockgate.lint.k8s import images, network, probes, rbac, resources, secrets, service_accounts, storage
from dockgate.lint.k8s.context import CheckContext, CheckOptions
from dockgate.lint.k8s.model import K8sObject
from dockgate.lint.k8s.pss import family as pss_family


class RuleFamily(Protocol):
    RULES: tuple[Rule, ...]
    run: Callable[[CheckContext], Iterable[Finding]]


FAMILIES: tuple[RuleFamily, ...] = (
    pss_family, resources, probes, images, service_accounts, storage, network, secrets, rbac,  # type: ignore[list-item]
)


def all_k8s_rules() -> list[Rule]:
    return sorted((rule for family in FAMILIES for rule in family.RULES), key=lambda r: r.id)


def check_objects(objects: list[K8sObject], options: CheckOptions | None = None) -> list[Finding]:
    """All unsuppressed findings of the selected rules, ordered by file, line, rule."""
    options = options or CheckOptions()
    context = CheckContext(objects, options)
    results: list[Finding] = []
    for family in FAMILIES:
        enabled = {rule.id for rule in family.RULES if options.selection.enabled(rule)}
        if not enabled:
            continue
        results.extend(f for f in family.run(context) if f.rule.id in enabled)
    owners: dict[tuple[str, str | None], list[K8sObject]] = {}
    for obj in objects:
        owners.setdefault((obj.source.name, obj.ref), []).append(obj)
    kept = [f for f in results if not _suppressed(f, owners)]
    kept.sort(key=lambda f: (f.location.file, f.location.line or 0, f.location.column or 0, f.rule.id))
    return kept


def _suppressed(item: Finding, owners: dict[tuple[str, str | None], list[K8sObject]]) -> bool:
    line = item.location.line
    candidates = owners.get((item.location.file, item.obj))
    if not candidates or line is None or not candidates[0].source.has_suppressions:
        return False
    owner = max((o for o in candidates if o.start_line <= line), key=lambda o: o.start_line, default=candidates[0])
    lines = owner.source.lines
    numbers = [line, *_comment_block_above(lines, line), *_comment_block_above(lines, owner.start_line)]
    rule_id = item.rule.id.lower()
    for number in numbers:
        if 1 <= number <= len(lines) and "dockgate" in lines[number - 1]:
            parsed = parse_suppression(lines[number - 1])
            if parsed and any(rule_id.startswith(prefix) or prefix == "all" for prefix in parsed[0]):
                return True
    return False


def _comment_block_above(lines: list[str], line: int) -> list[int]:
    """Line numbers of the comment-only lines directly above ``line`` (1-based)."""
    found = []
    number = line - 1
    while number >= 1 and lines[number - 1].lstrip().startswith("#"):
        found.append(number)
        number -= 1
    return found
