"""``dockgate lint DOCKERFILE...``: check Dockerfiles.

Exit code: 2 when any file could not be read or parsed (one line on stderr naming the file
and line; the other files are still checked and reported), else 1 when a finding is at or
above ``--severity-threshold`` (default low: any finding), else 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dockgate.errors import UsageError
from dockgate.lint.dockerfile import LintOptions, all_dockerfile_rules, lint_paths
from dockgate.lint.dockerfile.report import render_json, render_sarif, render_table
from dockgate.lint.engine import Selection
from dockgate.output import write_output
from dockgate.severity import Severity


def _build_args(values: list[str] | None) -> tuple[tuple[str, str], ...]:
    pairs = []
    for value in values or []:
        name, sep, content = value.partition("=")
        if not sep or not name:
            raise UsageError(f"--build-arg {value!r}: expected NAME=VALUE")
        pairs.append((name, content))
    return tuple(pairs)


def run_lint(args: argparse.Namespace) -> int:
    threshold = Severity.parse(args.severity_threshold)
    selection = Selection.parse(args.select, args.ignore)
    registries = tuple(p.strip() for v in (args.allowed_registries or []) for p in v.split(",") if p.strip())
    options = LintOptions(selection, registries, _build_args(args.build_arg), args.target)
    results = lint_paths([Path(p) for p in args.paths], options)
    for result in results:
        if result.error:
            print(f"dockgate: error: {result.error}", file=sys.stderr)
    if args.format == "json":
        data = render_json(results)
    elif args.format == "sarif":
        data = render_sarif(results, [rule for rule in all_dockerfile_rules() if selection.enabled(rule)])
    else:
        data = render_table(results, args.output)
    write_output(data, args.output)
    if any(r.error for r in results):
        return 2
    return 1 if any(f.severity >= threshold for r in results for f in r.findings) else 0
