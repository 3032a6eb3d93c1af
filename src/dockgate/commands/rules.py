"""``dockgate rules``: list every lint rule of every family (id, family, severity, title,
rationale, fix) as a table or JSON; ``--select``/``--ignore`` filter as in the linters."""

from __future__ import annotations

import argparse
import json
import sys

from rich.table import Table

from dockgate.lint.engine import Selection
from dockgate.lint.families import all_family_rules
from dockgate.output import write_output
from dockgate.report.table import render_tables


def run_rules(args: argparse.Namespace) -> int:
    selection = Selection.parse(args.select, args.ignore)
    found = all_family_rules()
    for missing in found.missing:
        print(f"dockgate: warning: rule family not available: {missing}", file=sys.stderr)
    rules = [rule for rule in found.rules if selection.enabled(rule)]
    if args.format == "json":
        data = json.dumps([
            {"id": r.id, "family": r.family, "severity": r.severity.name.lower(), "title": r.title,
             "rationale": r.rationale, "fix": r.fix, "tags": list(r.tags)}
            for r in rules
        ], indent=2) + "\n"
    else:
        table = Table(show_header=True, header_style="bold", show_lines=True)
        for column in ("ID", "Family", "Severity", "Title", "Rationale", "Fix"):
            table.add_column(column, overflow="fold")
        for r in rules:
            table.add_row(r.id, r.family, r.severity.name, r.title, r.rationale, r.fix)
        data = render_tables([table, f"{len(rules)} rule(s)"], args.output)
    write_output(data, args.output)
    return 0
