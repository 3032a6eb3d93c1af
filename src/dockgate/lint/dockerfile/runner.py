"""Run every selected Dockerfile rule family over one file; apply inline suppression.

A finding is suppressed by a comment directly above its instruction (in the block of
comment lines right before it) of the form ``# dockgate:ignore DG-DF-005 reason``. The ids
match as prefixes, like ``--select``. A suppression without a reason is not honoured: it is
reported as a warning, so every silenced finding says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol

from dockgate.errors import DockgateError
from dockgate.lint.dockerfile import base_images, instructions, secrets, shell, toolchain, users
from dockgate.lint.dockerfile.context import LintContext, LintOptions
from dockgate.lint.dockerfile.parse import MAX_DOCKERFILE_BYTES, ParsedDockerfile, parse_file
from dockgate.lint.dockerfile.stages import build_model
from dockgate.lint.engine import Finding, Rule, parse_suppression


class RuleFamily(Protocol):
    RULES: tuple[Rule, ...]
    run: Callable[[LintContext], Iterable[Finding]]


FAMILIES: tuple[RuleFamily, ...] = (base_images, users, toolchain, secrets, instructions, shell)  # type: ignore[assignment]


def all_dockerfile_rules() -> list[Rule]:
    return sorted((rule for family in FAMILIES for rule in family.RULES), key=lambda r: r.id)


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # one-line message when the file could not be checked


def find_dockerignore(dockerfile: Path) -> Path | None:
    """``<Dockerfile>.dockerignore`` (BuildKit) or ``.dockerignore`` in the same folder."""
    for candidate in (dockerfile.parent / f"{dockerfile.name}.dockerignore", dockerfile.parent / ".dockerignore"):
        if candidate.is_file():
            return candidate
    return None


def lint_parsed(parsed: ParsedDockerfile, options: LintOptions, dockerignore: Path | None) -> FileResult:
    model = build_model(parsed, dict(options.build_args), options.target)
    context = LintContext(parsed, model, options, dockerignore)
    result = FileResult(parsed.path)
    raw: list[Finding] = []
    for family in FAMILIES:
        enabled = {rule.id for rule in family.RULES if options.selection.enabled(rule)}
        if enabled:
            raw.extend(f for f in family.run(context) if f.rule.id in enabled)
    for item in raw:
        verdict = _suppression(parsed, item)
        if verdict is True:
            result.suppressed += 1
        else:
            if verdict:
                result.warnings.append(verdict)
            result.findings.append(item)
    result.findings.sort(key=lambda f: (f.location.line or 0, f.location.column or 0, f.rule.id))
    result.warnings = sorted(set(result.warnings))
    return result


def lint_file(path: Path, options: LintOptions | None = None, max_bytes: int = MAX_DOCKERFILE_BYTES) -> FileResult:
    """Check one Dockerfile; raises DockgateError (one line) when it cannot be read or parsed."""
    parsed = parse_file(path, max_bytes)
    return lint_parsed(parsed, options or LintOptions(), find_dockerignore(path))


def lint_paths(paths: list[Path], options: LintOptions | None = None, max_bytes: int = MAX_DOCKERFILE_BYTES) -> list[FileResult]:
    """Check every path; a file that fails carries its error and the others are still checked."""
    results = []
    for path in paths:
        try:
            results.append(lint_file(path, options, max_bytes))
        except DockgateError as exc:
            results.append(FileResult(str(path), error=str(exc)))
    return results


def _suppression(parsed: ParsedDockerfile, item: Finding) -> bool | str | None:
    """True when suppressed; a warning text when a matching comment has no reason; else None."""
    line = item.location.line
    if line is None:
        return None
    rule_id = item.rule.id.lower()
    number = line - 1
    while number >= 1 and parsed.lines[number - 1].lstrip().startswith("#"):
        found = parse_suppression(parsed.lines[number - 1])
        if found and any(rule_id.startswith(prefix) or prefix == "all" for prefix in found[0]):
            if found[1]:
                return True
            return f"{parsed.path}:{number}: suppression of {item.rule.id} ignored: give a reason after the rule id"
        number -= 1
    return None
