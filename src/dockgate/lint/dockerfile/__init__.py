"""Dockerfile checks (``dockgate lint``): Docker's own parser, a stage model, rule families.

``lint_file``/``lint_paths`` check files; ``all_dockerfile_rules`` lists the rules;
``gate_dockerfile_findings`` is the policy gate's entry point (see dockgate.gate.providers).
"""

from __future__ import annotations

from pathlib import Path

from dockgate.errors import InputError
from dockgate.lint.dockerfile.context import LintOptions
from dockgate.lint.dockerfile.runner import FileResult, all_dockerfile_rules, lint_file, lint_paths
from dockgate.lint.engine import Finding

__all__ = ["FileResult", "LintOptions", "all_dockerfile_rules", "gate_dockerfile_findings", "lint_file", "lint_paths"]


def gate_dockerfile_findings(path: Path) -> list[Finding]:
    """Unsuppressed findings of every rule for the gate; InputError when the file is unreadable."""
    if not isinstance(path, Path):
        raise InputError(f"not a path: {path!r}")
    return lint_file(path).findings
