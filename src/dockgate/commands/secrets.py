"""``dockgate secrets PATH``: secrets and risky files in a plain directory or file, or in an
image given as docker-archive:/oci-archive:/oci: (every layer, config and history)."""

from __future__ import annotations

import argparse
import sys

from dockgate.output import write_output
from dockgate.secrets.allowlist import AllowList, load_allowlist
from dockgate.secrets.plugin import SecretPlugin, is_image_reference, scan_image
from dockgate.secrets.report import render_json, render_sarif, render_table
from dockgate.secrets.tree import scan_path
from dockgate.secrets.visitor import DEFAULT_MAX_FILE_SIZE, SecretScanner
from dockgate.severity import Severity


def run_secrets(args: argparse.Namespace) -> int:
    allowlist = load_allowlist(args.allowlist) if args.allowlist else AllowList()
    threshold = Severity.parse(args.severity_threshold)
    max_file_size = args.max_file_size if args.max_file_size is not None else DEFAULT_MAX_FILE_SIZE
    if is_image_reference(args.path):
        plugin = SecretPlugin(allowlist, max_file_size, check_risky_files=not args.no_risky_files)
        findings, warnings = scan_image(args.path, plugin)
    else:
        scanner = SecretScanner(allowlist=allowlist, max_file_size=max_file_size, check_risky_files=not args.no_risky_files)
        findings, warnings = scan_path(args.path, scanner)
    if args.format == "json":
        data = render_json(findings, args.path)
    elif args.format == "sarif":
        data = render_sarif(findings)
    else:
        data = render_table(findings, args.path, args.output)
    for warning in warnings:
        print(f"dockgate: warning: {warning}", file=sys.stderr)
    write_output(data, args.output)
    return 1 if any(f.severity >= threshold for f in findings) else 0
