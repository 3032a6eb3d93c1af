"""``dockgate scan TARGET``: read arguments, scan, render, choose the exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dockgate.output import write_output
from dockgate.scan.model import ScanOptions, ScanResult
from dockgate.scan.run import parse_scanners, result_inventory, scan
from dockgate.severity import Severity


def options_from_args(args: argparse.Namespace) -> ScanOptions:
    return ScanOptions(
        target=args.target,
        platform=args.platform,
        max_file_size=args.max_file_size,
        db_path=Path(args.db) if args.db else None,
        severities=Severity.parse_list(args.severity) if args.severity else None,
        ignore_unfixed=args.ignore_unfixed,
        ignore_file=Path(args.ignorefile) if args.ignorefile else None,
        vex_files=tuple(Path(p) for p in args.vex or ()),
        scanners=parse_scanners(args.scanners),
        transport=_transport(args),
    )


def _transport(args: argparse.Namespace) -> object:
    from dockgate.registry.options import transport_options_from_args

    return transport_options_from_args(args)


def render(result: ScanResult, fmt: str, output: str | None) -> str | bytes:
    if fmt == "json":
        from dockgate.report.vulns import render_json

        return render_json(result)
    if fmt == "sarif":
        from dockgate.report.vuln_sarif import render_sarif

        return render_sarif(result)
    if fmt == "cyclonedx":
        from dockgate.report.vuln_cyclonedx import render_cyclonedx

        return render_cyclonedx(result, result_inventory(result))
    from dockgate.report.vulns import render_table

    return render_table(result, output)


def run_scan(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    result = scan(options)
    for warning in result.warnings:
        print(f"dockgate: warning: {warning}", file=sys.stderr)
    write_output(render(result, args.format, args.output), args.output)
    return args.exit_code if result.has_findings else 0
