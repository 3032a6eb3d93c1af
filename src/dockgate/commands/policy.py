"""``dockgate policy init|schema|check``: write, show and validate policy files."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

from dockgate.errors import UsageError
from dockgate.output import write_output


def run_policy(args: argparse.Namespace) -> int:
    action = args.policy_action
    if action == "init":
        return _init(args)
    if action == "schema":
        from dockgate.policy.schema import schema_text

        write_output(schema_text(), args.output)
        return 0
    return _check(args)


def _init(args: argparse.Namespace) -> int:
    from dockgate.policy.template import POLICY_TEMPLATE

    if args.output not in (None, "-") and Path(args.output).exists() and not args.force:
        raise UsageError(f"{args.output} already exists (use --force to overwrite)")
    write_output(POLICY_TEMPLATE, args.output)
    return 0


def _check(args: argparse.Namespace) -> int:
    from dockgate.policy.load import PolicyError, load_policy

    try:
        policy = load_policy(args.file)
    except PolicyError as exc:
        if args.format == "json":
            write_output(json.dumps({"file": args.file, "valid": False, "errors": exc.problems}, indent=2) + "\n", args.output)
        else:
            for problem in exc.problems:
                print(f"dockgate: error: {problem}", file=sys.stderr)
        return 2
    today = datetime.date.today()
    warnings = [
        f"{entry.ref.file}:{entry.ref.line}: ignore entry for {entry.id} expired on {entry.expires}: it no longer hides anything"
        for entry in policy.vulnerabilities.ignore
        if not entry.active(today)
    ]
    if args.format == "json":
        write_output(json.dumps({"file": args.file, "valid": True, "errors": [], "warnings": warnings}, indent=2) + "\n", args.output)
    else:
        for warning in warnings:
            print(f"dockgate: warning: {warning}", file=sys.stderr)
        write_output(f"{args.file}: valid policy{(' ' + repr(policy.name)) if policy.name else ''}\n", args.output)
    return 0
