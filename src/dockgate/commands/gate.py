"""``dockgate gate``: load the policy, run every applicable check, print one verdict."""

from __future__ import annotations

import argparse
from pathlib import Path

from dockgate.gate import GateTarget, run_gate as judge
from dockgate.gate.providers import default_providers
from dockgate.gate.render import render_json, render_junit, render_sarif, render_text
from dockgate.output import write_output
from dockgate.policy import load_policy

RENDERERS = {"text": render_text, "json": render_json, "junit": render_junit, "sarif": render_sarif}


def run_gate(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy)
    target = GateTarget(
        image=args.image,
        dockerfile=Path(args.dockerfile) if args.dockerfile else None,
        manifests=[Path(p) for p in args.manifests],
    )
    if target.dockerfile is not None and not target.dockerfile.is_file():
        from dockgate.errors import InputError

        raise InputError(f"Dockerfile not found: {target.dockerfile}")
    verdict = judge(policy, target, default_providers())
    for path, fmt in ((args.junit, "junit"), (args.sarif, "sarif"), (args.json, "json")):
        if path:
            write_output(RENDERERS[fmt](verdict), path)
    write_output(RENDERERS[args.format](verdict), args.output)
    return 0 if verdict.passed else 1
