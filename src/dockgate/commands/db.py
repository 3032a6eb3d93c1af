"""``dockgate db update|status``: refresh the vulnerability database and describe it."""

from __future__ import annotations

import argparse
import datetime
import sys

import orjson

from dockgate.output import write_output
from dockgate.vulndb import STALE_AFTER, UpdateOptions, VulnDatabase, resolve_db_path, update_database
from dockgate.vulndb.update import DEFAULT_MIRROR


def run_db(args: argparse.Namespace) -> int:
    path = resolve_db_path(args.db)
    if args.db_action == "update":
        options = UpdateOptions(
            mirror=args.mirror or DEFAULT_MIRROR, ecosystems=list(args.ecosystem or []), timeout=args.timeout, retries=args.retries
        )
        result = update_database(path, options)
        for source in result.dropped:
            print(
                f"dockgate: warning: {source} advisories were in the previous database, whose layout this version "
                f"replaces; fetch them again with `dockgate db update --ecosystem {source}`",
                file=sys.stderr,
            )
        summary = {"path": str(result.path), "records": result.records, "dropped": list(result.dropped)}
        if args.format == "json":
            write_output(orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n", args.output)
        else:
            lines = [f"updated {result.path}"] + [f"  {name}: {count} records" for name, count in result.records.items()]
            write_output("\n".join(lines) + "\n", args.output)
        return 0
    with VulnDatabase(path) as database:
        status = database.status()
        per_ecosystem = database.ecosystem_counts()
    age = datetime.datetime.now(datetime.timezone.utc) - status.built_at if status.built else None
    stale = age is not None and age > STALE_AFTER
    if stale:
        print(f"dockgate: warning: vulnerability data is {age.days} days old: run `dockgate db update`", file=sys.stderr)
    if args.format == "json":
        document = {
            "path": str(status.path),
            "built": status.built,
            "stale": stale,
            "sources": [{"ecosystem": s.source, "origin": s.origin, "records": s.records, "updated": s.updated} for s in status.sources],
            "advisories_per_ecosystem": per_ecosystem,
        }
        write_output(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n", args.output)
    else:
        lines = [f"database: {status.path}", f"built:    {status.built}{' (older than 7 days)' if stale else ''}"]
        for s in status.sources:
            lines.append(f"  {s.source:<12} {s.records:>8} records  updated {s.updated}  from {s.origin}")
        releases = [f"{name} {count}" for name, count in per_ecosystem.items() if ":" in name]
        if releases:
            lines.append("releases: " + ", ".join(releases))
        write_output("\n".join(lines) + "\n", args.output)
    return 0
