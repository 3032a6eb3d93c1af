"""``dockgate k8s PATH...``: check Kubernetes manifests (Pod Security Standards, best practices).

Exit code: 2 when any input could not be read or parsed (the other inputs are still
checked and reported), else 1 when a finding is at or above ``--fail-on``, else 0.
"""

from __future__ import annotations

import argparse
import sys

from dockgate.lint.engine import Selection
from dockgate.lint.k8s import CheckOptions, check_objects, load_inputs
from dockgate.lint.k8s.gcpause import paused_gc
from dockgate.lint.k8s.pss import parse_level, parse_version
from dockgate.lint.k8s.report import render_json, render_sarif, render_table
from dockgate.lint.k8s.runner import all_k8s_rules
from dockgate.output import write_output
from dockgate.severity import Severity


def run_k8s(args: argparse.Namespace) -> int:
    level = parse_level(args.pss_level)
    version = parse_version(args.pss_version)
    threshold = Severity.parse(args.fail_on)
    selection = Selection.parse(args.select, args.ignore)
    with paused_gc():
        loaded = load_inputs(args.paths)
        findings = check_objects(loaded.objects, CheckOptions(selection, level, version))
    version_text = f"v{version[0]}.{version[1]}"
    for diagnostic in loaded.diagnostics:
        print(f"dockgate: {'error' if diagnostic.error else 'warning'}: {diagnostic}", file=sys.stderr)
    if args.format == "json":
        settings = {"pssLevel": level, "pssVersion": version_text, "files": loaded.files, "objects": len(loaded.objects)}
        data = render_json(findings, loaded.diagnostics, settings)
    elif args.format == "sarif":
        data = render_sarif(findings, [rule for rule in all_k8s_rules() if selection.enabled(rule)])
    else:
        header = f"Kubernetes: {loaded.files} file(s), {len(loaded.objects)} object(s); Pod Security {level} {version_text}"
        data = render_table(findings, [], args.output, header)
    write_output(data, args.output)
    if loaded.errors:
        return 2
    return 1 if any(item.severity >= threshold for item in findings) else 0
