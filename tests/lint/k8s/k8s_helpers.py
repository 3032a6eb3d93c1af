"""Helpers for the Kubernetes lint tests: check YAML text in-process."""

from __future__ import annotations

import textwrap

from dockgate.lint.engine import Finding, Selection
from dockgate.lint.k8s import CheckOptions, check_objects
from dockgate.lint.k8s.loader import LoadResult, load_bytes


def check_text(text: str, select: str | None = None, ignore: str | None = None, name: str = "test.yaml",
               level: str = "restricted", version: tuple[int, int] | None = None) -> list[Finding]:
    result = LoadResult()
    load_bytes(textwrap.dedent(text).encode(), name, result)
    assert not result.errors, result.errors
    return check_objects(result.objects, CheckOptions(Selection.parse(select, ignore), level, version))


def rule_ids(findings: list[Finding]) -> list[str]:
    return sorted(f.rule.id for f in findings)
