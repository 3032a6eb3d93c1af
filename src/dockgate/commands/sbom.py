"""``dockgate sbom``: inventory an image and print it in the chosen format."""

from __future__ import annotations

import argparse
import sys

from dockgate.inventory import build_inventory
from dockgate.output import write_output


def run_sbom(args: argparse.Namespace) -> int:
    from dockgate.registry.options import transport_options_from_args

    transport = transport_options_from_args(args)
    inventory = build_inventory(args.image, platform=args.platform, max_file_size=args.max_file_size, transport=transport)
    if args.format == "json":
        from dockgate.report.sbom_json import render_json

        data: str | bytes = render_json(inventory)
    elif args.format == "cyclonedx":
        from dockgate.report.cyclonedx import build_bom, serialize_bom

        data = serialize_bom(build_bom(inventory)) + "\n"
    elif args.format == "spdx":
        from dockgate.report.spdx import render_spdx

        data = render_spdx(inventory)
    else:
        from dockgate.report.sbom_table import render_sbom_table

        data = render_sbom_table(inventory, args.output)
    if args.format != "table":
        for warning in inventory.warnings:
            print(f"dockgate: warning: {warning}", file=sys.stderr)
    write_output(data, args.output)
    return 0
